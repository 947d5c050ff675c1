"""Reserved for import jobs, unused: import progress is kept in files (`sikomo/progress.py`)."""
