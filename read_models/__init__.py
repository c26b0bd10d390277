"""The read side: tables shaped for questions, kept by projectors from the events."""
