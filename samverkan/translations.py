"""Django's own messages that its Swedish catalog lacks, translated in ours.

Named here so that makemessages keeps them in locale/sv; nothing imports this module.
"""

from django.utils.translation import gettext_noop

# Django 6.1's label for an empty choice in a select.
gettext_noop("- Select an option -")
