"""Resource course pages: thin views over inklusio.access, selectors and services."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, audit_shown, children_in_forms
from inklusio.core.errors import DomainError, OutdatedSave
from inklusio.core.forms import (
    focus_first_error,
    save_form,
    show_outdated_save,
    show_refusal,
)
from inklusio.core.http import PDF, AuthenticatedHttpRequest, file_response, public_id_in
from inklusio.core.listing import Listing
from inklusio.courses import selectors, services
from inklusio.courses.forms import (
    COURSE_COLUMNS,
    CloseForm,
    CourseFilterForm,
    CourseForm,
    LetterGivenForm,
    MeasureForm,
    ObservationForm,
    ParticipantForm,
    SessionCancelForm,
    SessionHeldForm,
    SessionPlanForm,
    TaskForm,
)
from inklusio.courses.models import Course, EffectMeasure, Participant, ResourceTask, Session


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_use_courses(request.user):
        raise Http404
    form = CourseFilterForm(
        request.GET,
        institutions=access.institutions_visible_to(request.user),
        user=request.user,
    )
    listing = Listing(request, form=form, columns=COURSE_COLUMNS, default_sort="start")
    return render(
        request,
        "courses/overview.html",
        {
            "listing": listing,
            "courses": listing.paginate(selectors.courses_list_for(request.user, status="")),
            "tasks": access.tasks_visible_to(request.user).select_related("institution")[:30],
            "rates": selectors.cancellation_rates(request.user),
            "can_add_task": access.institutions_for_new_tasks(request.user).exists(),
            "can_add_course": access.institutions_for_new_courses(request.user).exists(),
        },
    )


@login_required
def task_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    institutions = access.institutions_for_new_tasks(request.user)
    if not institutions.exists():
        raise Http404
    form = TaskForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        task = services.task_create(actor=request.user, data=form.cleaned_data)
        messages.success(
            request, _("Ressourceopgaven er oprettet. Ressourcepædagogen kan nu starte et forløb.")
        )
        return redirect(task)
    return render(request, "courses/form.html", {"form": form, "title": _("Ny ressourceopgave")})


@login_required
def task_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    task = selectors.task_for_user(request.user, public_id)
    return render(
        request,
        "courses/task_detail.html",
        {
            "task": task,
            "courses": task.courses.filter(pk__in=access.courses_visible_to(request.user)),
            "can_add_course": access.institutions_for_new_courses(request.user)
            .filter(pk=task.institution_id)
            .exists(),
        },
    )


def _task_asked_for(request: AuthenticatedHttpRequest) -> ResourceTask | None:
    """The resource task a new course is started from (`?opgave=`), if the user may see it."""
    public_id = public_id_in(request.GET, "opgave")
    if public_id is None:
        return None
    return access.tasks_visible_to(request.user).filter(public_id=public_id).first()


@login_required
def course_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    institutions = access.institutions_for_new_courses(request.user)
    if not institutions.exists():
        raise Http404
    task = _task_asked_for(request)
    form = CourseForm(
        request.POST or None,
        institutions=institutions,
        pedagogues=selectors.pedagogues(request.user),
        staff=selectors.staff_in(institutions),
        initial=selectors.course_initial(request.user, task),
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                actor=request.user, data={**form.cleaned_data, "task": task}
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("Forløbet er oprettet. Tilføj deltagere og planlæg samlinger.")
            )
            return redirect(course)
    return render(
        request,
        "courses/form.html",
        {"form": form, "title": _("Nyt ressourceforløb"), "task": task},
    )


@login_required
def course_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    course = selectors.course_for_user(request.user, public_id, log=False)
    if not access.can_manage_course(request.user, course):
        raise Http404
    form = CourseForm(
        request.POST or None,
        instance=course,
        institutions=access.institutions_for_new_courses(request.user),
        pedagogues=selectors.pedagogues(request.user),
        staff=selectors.staff_in([course.institution]),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and save_form(form, services.course_update, actor=request.user, course=course)
    ):
        messages.success(request, _("Ændringerne er gemt."))
        return redirect(course)
    return render(
        request, "courses/form.html", {"form": form, "title": _("Ret forløbet"), "course": course}
    )


@login_required
def course_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    return _course_page(request, selectors.course_for_user(request.user, public_id, log=False))


def _participant_form(
    request: AuthenticatedHttpRequest, course: Course, data: QueryDict | None = None
) -> ParticipantForm:
    return ParticipantForm(
        data,
        course=course,
        children=selectors.children_for_course(request.user, course),
        offered=selectors.children_to_add(request.user, course),
        staff=selectors.staff_in([course.institution]),
        offered_staff=selectors.staff_to_add(course),
    )


def _work_forms(request: AuthenticatedHttpRequest, course: Course) -> dict[str, BaseForm]:
    """The empty forms of the course page for those who work on the course."""
    return {
        "participant_form": _participant_form(request, course),
        "session_form": SessionPlanForm(),
        "observation_form": ObservationForm(course=course),
    }


def _letter_form(participant: Participant, data: Any = None) -> LetterGivenForm:
    # One form in each participant's row: ids of its own, so every label and error message
    # points at the field in that row.
    return LetterGivenForm(data, auto_id=f"id_letter_{participant.pk}_%s")


def _participant_rows(
    participants: list[Participant],
    can_work: bool,
    letter_for: Participant | None,
    letter_form: BaseForm | None,
) -> list[tuple[Participant, BaseForm | None]]:
    """Each participant with the form that registers its letter as given (a child's letter not
    yet given, for those who work on the course); a refused one stays in its own row."""
    return [
        (participant, _row_letter_form(participant, can_work, letter_for, letter_form))
        for participant in participants
    ]


def _row_letter_form(
    participant: Participant,
    can_work: bool,
    letter_for: Participant | None,
    letter_form: BaseForm | None,
) -> BaseForm | None:
    if letter_for is not None and participant.pk == letter_for.pk:
        return letter_form
    if can_work and participant.child_id and not participant.letter_sent_on:
        return _letter_form(participant)
    return None


def _course_page(
    request: AuthenticatedHttpRequest,
    course: Course,
    letter_for: Participant | None = None,
    **bound_forms: BaseForm,
) -> HttpResponse:
    """The course page; a refused inline form comes back bound, with its errors beside the
    fields and what was typed kept (a refused letter form in the row of `letter_for`)."""
    can_work = access.can_work_on_course(request.user, course)
    letter_form = bound_forms.pop("letter_form", None)
    forms = {**(_work_forms(request, course) if can_work else {}), **bound_forms}
    observations = course.observations.select_related("author", "child")[:50]
    # Rendered here whether opened or re-rendered after a refused inline form: the page shows
    # the participants, the observed children and every child the pickers offer.
    selectors.course_read_log(
        request.user,
        course,
        also=[*children_in_forms(*forms.values()), *(o.child for o in observations)],
    )
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "participants": _participant_rows(
                selectors.course_participants(course), can_work, letter_for, letter_form
            ),
            "sessions": course.sessions.select_related("cancelled_by").prefetch_related(
                "attendees"
            ),
            "figures": selectors.session_figures(course),
            "observations": observations,
            "effects": selectors.before_after(course),
            "can_work": can_work,
            "can_manage": access.can_manage_course(request.user, course),
            **forms,
        },
    )


def _course_to_work_on(request: AuthenticatedHttpRequest, public_id: UUID) -> Course:
    course = selectors.course_for_user(request.user, public_id, log=False)
    if not access.can_work_on_course(request.user, course):
        raise Http404
    return course


def _inline_action(
    request: AuthenticatedHttpRequest,
    course: Course,
    form: BaseForm,
    form_name: str,
    action: Callable[[dict[str, Any]], object],
    success: str | Callable[[Any], str],
    **page: Any,
) -> HttpResponse:
    """Run an inline form of the course page: back to the page on success, else the page
    again with the bound form (`page`: what else `_course_page` needs to place it)."""
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            message = success(result) if callable(success) else success
            if message:
                messages.success(request, message)
            return redirect(course)
    focus_first_error(form)
    return _course_page(request, course, **{**page, form_name: form})


@login_required
@require_POST
def participant_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    course = _course_to_work_on(request, public_id)
    return _inline_action(
        request,
        course,
        _participant_form(request, course, request.POST),
        "participant_form",
        lambda data: services.participant_add(actor=request.user, course=course, **data),
        lambda participant: (
            _("%(name)s er med i forløbet. Giv forældrene brevet om forløbet.")
            % {"name": participant.child.full_name}
            if participant.child_id
            else ""
        ),
    )


@login_required
def participant_letter(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    participant = selectors.participant_for_user(request.user, public_id)
    if participant.child is None:
        raise Http404
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, obj=participant, child=participant.child
    )
    return file_response(
        services.parent_letter(participant), "brev-om-ressourceforloeb.pdf", PDF, download=False
    )


@login_required
@require_POST
def participant_letter_given(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    participant = selectors.participant_for_user(request.user, public_id)
    if not access.can_work_on_course(request.user, participant.course):
        raise Http404
    return _inline_action(
        request,
        participant.course,
        _letter_form(participant, request.POST),
        "letter_form",
        lambda data: services.letter_given(actor=request.user, participant=participant, **data),
        _("Det er registreret, at forældrene har fået brevet."),
        letter_for=participant,
    )


@login_required
@require_POST
def session_plan(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    course = _course_to_work_on(request, public_id)
    return _inline_action(
        request,
        course,
        SessionPlanForm(request.POST),
        "session_form",
        lambda data: services.session_plan(actor=request.user, course=course, **data),
        _("Samlingen er planlagt."),
    )


def _register(
    request: AuthenticatedHttpRequest, session: Session, outcome: str, data: dict[str, Any]
) -> Session:
    """A planned session is registered; a registered one is corrected (versioned: the form's
    `version` and `reason` come with the correction)."""
    if session.is_registered:
        return services.session_correct(
            actor=request.user, session=session, outcome=outcome, **data
        )
    if outcome == "held":
        return services.session_held(actor=request.user, session=session, **data)
    return services.session_cancel(actor=request.user, session=session, **data)


@login_required
def session_record(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Register a session, or reopen a registered one to correct it: the forms show what is
    registered, and the earlier registrations are listed as history."""
    session = selectors.session_for_user(request.user, public_id)
    if not access.can_work_on_course(request.user, session.course):
        raise Http404
    outcome = request.POST.get("outcome")
    held_form = SessionHeldForm(request.POST if outcome == "held" else None, session=session)
    cancel_form = SessionCancelForm(
        request.POST if outcome == "cancelled" else None, session=session
    )
    form = held_form if outcome == "held" else cancel_form
    if request.method == "POST" and form.is_valid():
        try:
            _register(
                request, session, "held" if form is held_form else "cancelled", form.cleaned_data
            )
        except OutdatedSave as outdated:
            show_outdated_save(form, outdated)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Registreringen er rettet.")
                if session.is_registered
                else _("Samlingen er registreret."),
            )
            return redirect(session.course)
    selectors.course_read_log(request.user, session.course, obj=session)
    return render(
        request,
        "courses/session_record.html",
        {
            "session": session,
            "held_form": held_form,
            "cancel_form": cancel_form,
            # Held only from its day on; a refused post still shows what was typed, with why.
            "offer_held": session.can_be_held or held_form.is_bound,
        },
    )


@login_required
@require_POST
def observation_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    course = _course_to_work_on(request, public_id)
    return _inline_action(
        request,
        course,
        ObservationForm(request.POST, course=course),
        "observation_form",
        lambda data: services.observation_add(actor=request.user, course=course, data=data),
        _("Observationen er gemt."),
    )


@login_required
def measure_record(request: AuthenticatedHttpRequest, public_id: UUID, phase: str) -> HttpResponse:
    participant = selectors.participant_for_user(request.user, public_id)
    if phase not in EffectMeasure.Phase.values or not access.can_work_on_course(
        request.user, participant.course
    ):
        raise Http404
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_record(
                actor=request.user, participant=participant, phase=phase, data=form.cleaned_data
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Vurderingen er gemt."))
            return redirect(participant.course)
    title = _("Effektmål %(phase)s: %(name)s") % {
        "phase": EffectMeasure.Phase(phase).label.lower(),
        "name": participant.child.full_name if participant.child else participant,
    }
    audit_shown(actor=request.user, obj=participant, children=[participant.child])
    return render(
        request, "courses/form.html", {"form": form, "title": title, "course": participant.course}
    )


@login_required
def course_close(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    course = selectors.course_for_user(request.user, public_id, log=False)
    if not access.can_manage_course(request.user, course):
        raise Http404
    form = CloseForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_close(actor=request.user, course=course, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Forløbet er afsluttet."))
            return redirect(course)
    selectors.course_read_log(request.user, course)
    return render(
        request,
        "courses/close.html",
        {
            "form": form,
            "course": course,
            "effects": selectors.before_after(course),
            "figures": selectors.session_figures(course),
        },
    )
