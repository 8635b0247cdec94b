"""IAM enforced on ``local``: the emulator's identities, assumed roles, and denials that say who was denied what.

Data path: the emulator starts with IAM enforced (``moto_patches`` adjusts moto's
evaluation where it departs from AWS in ways that would block correct policies),
``admin`` creates the one admin identity, ``roles`` assumes the deploy, plan and
job roles through STS, ``denied`` turns an AccessDenied into one line.
"""
