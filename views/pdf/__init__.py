"""PDF documents (fpdf2): invoices, child sheets, pre-registration form, account letters and the summary of a
family's data.

fpdf2 takes most of a second and tens of MB to import, so each builder is loaded on first use rather
than when the portal starts.
"""


def invoice_pdf(*args, **kwargs) -> bytes:
    from views.pdf.invoice import invoice_pdf as build
    return build(*args, **kwargs)


def child_sheet_pdf(*args, **kwargs) -> bytes:
    from views.pdf.child_sheet import child_sheet_pdf as build
    return build(*args, **kwargs)


def blank_form_pdf(*args, **kwargs) -> bytes:
    from views.pdf.preregistration import blank_form_pdf as build
    return build(*args, **kwargs)


def account_letter_pdf(*args, **kwargs) -> bytes:
    from views.pdf.preregistration import account_letter_pdf as build
    return build(*args, **kwargs)


def my_data_pdf(*args, **kwargs) -> bytes:
    from views.pdf.my_data import my_data_pdf as build
    return build(*args, **kwargs)


def access_letters_pdf(*args, **kwargs) -> bytes:
    from views.pdf.access_letters import access_letters_pdf as build
    return build(*args, **kwargs)
