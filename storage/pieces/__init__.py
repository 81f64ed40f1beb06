"""Supporting documents (pièces justificatives) sent with a family's requests and with a pre-registration.

- kinds.py: which documents each section asks for, and which it requires (the agent's Paramètres);
- checks.py: what a sent file may be (a PDF without active content, or a JPEG or PNG photo, re-encoded);
- family.py: a request's documents on disk, kept as the family's pièces when it is validated, deleted when it is
  withdrawn or cancelled (decision hooks registered by create_app);
- preregistration.py: the justificatif de domicile of a pre-registration, moved to the new family's pièces.

Not to be confused with storage/documents.py, the JSON document store.
"""
