"""The data the book is made of, as pydantic models.

The project's config, the documents' front matter and their field rules; no I/O.
"""
