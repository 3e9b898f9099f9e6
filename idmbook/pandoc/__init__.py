"""The pandoc tool layer.

Running the bundled pandoc, in batches and in parallel, and reading its JSON.
"""
