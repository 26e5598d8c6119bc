"""Forms rendered with Det Fælles Designsystem markup; errors sit next to their field."""

from django import forms
from django.forms.renderers import TemplatesSetting


class DkfdsFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


# Multiple-choice checkboxes and radios keep the browser's own look: Django renders the input
# inside its label, which the design system's input-then-label styling would hide.
_WIDGET_CLASSES = (
    (forms.CheckboxSelectMultiple, "choice-list"),
    (forms.RadioSelect, "choice-list"),
    (forms.CheckboxInput, "form-checkbox"),
    (forms.Select, "form-select"),
)


class DkfdsWidgets:
    """Mixin that adds the design system's CSS classes to every widget of a form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect) and not isinstance(
                field, forms.ModelChoiceField
            ):
                # A radio list needs no "---------" option: nothing ticked means nothing chosen.
                field.choices = [(value, label) for value, label in field.choices if value != ""]
            css = next(
                (name for widget, name in _WIDGET_CLASSES if isinstance(field.widget, widget)),
                "form-input",
            )
            field.widget.attrs.setdefault("class", css)


class DkfdsForm(DkfdsWidgets, forms.Form):
    pass


class DkfdsModelForm(DkfdsWidgets, forms.ModelForm):
    pass
