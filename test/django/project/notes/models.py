from django.conf import settings
from django.db import models


class Note(models.Model):
    """Exists so that notes.add_note / change_note / delete_note / view_note permissions exist."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='notes')
    text = models.TextField()
