"""Stage 6, publishing.

Outputs written atomically, with their manifest and the build's provenance.
"""
