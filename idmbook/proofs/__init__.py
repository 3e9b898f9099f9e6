"""Proofs in Word and what comes back: the marks that tie a proof's paragraphs to their
sources (marks.py), reading a returned DOCX's tracked changes and comments (wordread.py),
and placing a corrected paragraph's text back into its Markdown (placing.py)."""
