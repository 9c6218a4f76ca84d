from django import template

from reports.models import DailyReportOptOut

register = template.Library()


@register.simple_tag
def receives_daily_report(user) -> bool:
    return user.is_authenticated and DailyReportOptOut.receives_reports(user)
