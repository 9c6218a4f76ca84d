from django.contrib import admin

from mail.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["key", "purpose", "recipient", "sent_at"]
    list_filter = ["purpose"]
    search_fields = ["key"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "sent_at"
