"""The chat: a Textual front end that renders Replies (`citebot` or `citebot chat`)."""
