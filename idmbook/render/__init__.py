"""Renderers: each turns the assembled book (a pandoc AST plus BookMeta) into one format."""
