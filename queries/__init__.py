"""The read side's questions: plain functions over a Connection that return plain dataclasses."""
