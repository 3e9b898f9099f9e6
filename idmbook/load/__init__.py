"""Stage 1, reading the project.

Its files found, confined to the project, parsed into models and checked one at a time.
"""
