"""idmbook: compile the outcomes of a policy dialogue into a publication."""

__version__ = "0.1.0"
