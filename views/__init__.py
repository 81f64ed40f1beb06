"""Views: Bottle templates (*.tpl), French display formats and the PDF documents."""
