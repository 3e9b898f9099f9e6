"""Stage 4, parsing the book.

The assembled Markdown read by pandoc into its AST, pieces cached, sanitised once.
"""
