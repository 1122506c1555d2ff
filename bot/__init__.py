"""citebot: a question-and-answer bot that answers only by quoting its sources."""

__version__ = "0.1.0"
