"""Background jobs that are not the mail sender: the daily job runner. Their state lives in data/jobs/ so that a
restart resumes them; create_app registers each one explicitly in app.portal.jobs."""
