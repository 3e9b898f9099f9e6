"""Stage 3, composing the book.

The checked sources grouped under the themes and assembled into the book's Markdown.
"""
