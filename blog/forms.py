from django import forms
from django.utils import timezone

from blog.covers import ACCEPTED_FORMATS, MAX_COVER_BYTES, too_many_pixels
from blog.models import Post

MAX_BODY_BYTES = 100 * 1024


class PostForm(forms.ModelForm):
    """Title, Markdown body, optional cover, and what to do with the post (`action`)."""

    ACTIONS = ("preview", "save", "publish", "schedule", "unschedule")

    cover_upload = forms.ImageField(
        label="Cover image",
        required=False,
        help_text="JPEG, PNG or WebP, at most 10 MB.",
    )
    publish_at = forms.DateTimeField(
        label="Publish at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Only for scheduling; in the site's time zone.",
    )

    class Meta:
        model = Post
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        help_texts = {"body": "Markdown. At most 100 KB."}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["title"].strip = True
        self.fields["body"].required = False
        self.fields["publish_at"].initial = self.instance.publish_at

    @property
    def action(self) -> str:
        action = self.data.get("action", "save")
        return action if action in self.ACTIONS else "save"

    def clean_body(self) -> str:
        body = self.cleaned_data.get("body", "")
        if len(body.encode()) > MAX_BODY_BYTES:
            raise forms.ValidationError("The body is longer than 100 KB; split it into two posts.")
        return body

    def clean_cover_upload(self):
        upload = self.cleaned_data.get("cover_upload")
        if not upload:
            return upload
        if upload.size > MAX_COVER_BYTES:
            raise forms.ValidationError("The cover image is larger than 10 MB.")
        if upload.image.format not in ACCEPTED_FORMATS:
            raise forms.ValidationError("Upload a JPEG, PNG or WebP image.")
        if too_many_pixels(*upload.image.size):
            raise forms.ValidationError("The image has too many pixels; upload a smaller one.")
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.action in ("publish", "schedule") and not self.user.is_verified:
            raise forms.ValidationError(
                "Verify your email address before publishing; you can keep this post as a draft."
            )
        if self.action in ("publish", "schedule") and self.instance.status == Post.Status.PUBLISHED:
            raise forms.ValidationError("This post is already published.")
        if self.action == "schedule":
            self._check_publish_at(cleaned.get("publish_at"))
        return cleaned

    def _check_publish_at(self, publish_at) -> None:
        if publish_at is None:
            self.add_error("publish_at", "Choose when the post should be published.")
        elif publish_at <= timezone.now():
            self.add_error("publish_at", "Choose a time in the future.")
