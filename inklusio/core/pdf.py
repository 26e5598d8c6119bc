"""PDF documents (letters, plans, reports) rendered from Django templates with WeasyPrint."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template (extend "core/pdf_base.html") to PDF bytes; fonts are the system's."""
    from weasyprint import HTML  # imported late: loading Pango costs start-up time

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
