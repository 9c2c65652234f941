"""`ddbwizard --plain`: the wizard's steps (core.steps) rendered as line prompts."""
