"""What each command does, on top of the stages.

Build, watch, status and the project scaffold.
"""
