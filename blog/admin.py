from django.contrib import admin

from blog.models import Follow, Post, PostDailyViews


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "status", "publish_at", "published_at", "view_count"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "author__username"]
    raw_id_fields = ["author"]
    readonly_fields = ["view_count", "body_html"]


@admin.register(PostDailyViews)
class PostDailyViewsAdmin(admin.ModelAdmin):
    list_display = ["post", "day", "views"]
    raw_id_fields = ["post"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["follower", "author", "created_at"]
    raw_id_fields = ["follower", "author"]
