from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from blog.counting import record_view
from blog.covers import delete_post
from blog.editing import save_post
from blog.forms import PostForm
from blog.models import Follow, Post
from blog.notifications import read_unsubscribe_token
from blog.rendering import render_markdown

PAGE_SIZE = 10


def post_list(request):
    posts = Post.objects.published().select_related("author").order_by("-published_at", "-pk")
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "blog/post_list.html", {"page": page})


def post_detail(request, slug: str):
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("author"), slug=slug
    )
    if post.status == Post.Status.PUBLISHED and record_view(post=post, viewer=request.user):
        post.view_count += 1
    return render(request, "blog/post_detail.html", {"post": post})


def author_detail(request, username: str):
    author = get_object_or_404(get_user_model(), username=username)
    posts = author.posts.published().order_by("-published_at", "-pk")
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    following = (
        request.user.is_authenticated
        and Follow.objects.filter(follower=request.user, author=author).exists()
    )
    context = {"author": author, "page": page, "following": following}
    return render(request, "blog/author_detail.html", context)


@login_required
def dashboard(request):
    posts = request.user.posts.order_by("-updated_at")
    return render(request, "blog/dashboard.html", {"posts": posts})


@login_required
def post_create(request):
    return _edit(request, Post(author=request.user))


@login_required
def post_edit(request, slug: str):
    return _edit(request, _own_post(request, slug))


def _edit(request, post: Post):
    form = PostForm(request.POST or None, request.FILES or None, instance=post, user=request.user)
    valid = request.method == "POST" and form.is_valid()
    if valid and form.action != "preview":
        save_post(
            post=form.save(commit=False),
            action=form.action,
            publish_at=form.cleaned_data.get("publish_at"),
            cover=form.cleaned_data.get("cover_upload"),
        )
        messages.success(request, _SAVED_MESSAGES[form.action])
        return redirect("blog:post_edit", slug=form.instance.slug)
    preview = render_markdown(form.cleaned_data["body"]) if valid else ""
    return render(request, "blog/post_form.html", {"form": form, "post": post, "preview": preview})


_SAVED_MESSAGES = {
    "save": "Saved.",
    "publish": "Published. Your followers will get an email.",
    "schedule": "Scheduled.",
    "unschedule": "Unscheduled: the post is a draft again.",
}


@login_required
def post_delete(request, slug: str):
    post = _own_post(request, slug)
    if request.method == "POST":
        delete_post(post=post)
        messages.success(request, f"Deleted “{post.title}”.")
        return redirect("blog:dashboard")
    return render(request, "blog/post_confirm_delete.html", {"post": post})


def _own_post(request, slug: str) -> Post:
    # Someone else's post is a 404, not a 403: its existence is not ours to reveal.
    return get_object_or_404(Post, slug=slug, author=request.user)


@login_required
@require_POST
def follow(request, username: str):
    author = get_object_or_404(get_user_model(), username=username)
    if not request.user.is_verified:
        messages.error(request, "Verify your email address to follow authors.")
    elif author == request.user:
        messages.error(request, "You cannot follow yourself.")
    else:
        Follow.start(follower=request.user, author=author)
        messages.success(request, f"You follow {author.username}; new posts come by email.")
    return redirect("blog:author_detail", username=username)


@login_required
@require_POST
def unfollow(request, username: str):
    author = get_object_or_404(get_user_model(), username=username)
    Follow.stop(follower_id=request.user.pk, author_id=author.pk)
    messages.success(request, f"You no longer follow {author.username}.")
    return redirect("blog:author_detail", username=username)


def unsubscribe(request, token: str):
    ids = read_unsubscribe_token(token)
    if ids is None:
        return HttpResponseBadRequest("This unsubscribe link is not valid.")
    author = get_user_model().objects.filter(pk=ids[1]).first()
    if author is None:
        raise Http404("This author no longer exists.")
    done = request.method == "POST"
    if done:
        Follow.stop(follower_id=ids[0], author_id=ids[1])
    return render(request, "blog/unsubscribe.html", {"author": author, "done": done})
