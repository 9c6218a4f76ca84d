from django.urls import path

from blog import views

app_name = "blog"

urlpatterns = [
    path("", views.post_list, name="post_list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<slug:slug>/", views.post_detail, name="post_detail"),
    path("posts/<slug:slug>/edit/", views.post_edit, name="post_edit"),
    path("posts/<slug:slug>/delete/", views.post_delete, name="post_delete"),
    path("authors/<str:username>/", views.author_detail, name="author_detail"),
    path("authors/<str:username>/follow/", views.follow, name="follow"),
    path("authors/<str:username>/unfollow/", views.unfollow, name="unfollow"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
