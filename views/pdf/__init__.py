"""PDF documents (fpdf2): invoices, child sheets, pre-registration form and account letters."""
