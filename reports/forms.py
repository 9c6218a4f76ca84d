from django import forms


class DailyReportPreferenceForm(forms.Form):
    enabled = forms.TypedChoiceField(
        choices=[("on", "On"), ("off", "Off")], coerce=lambda value: value == "on"
    )
    next = forms.CharField(required=False)
