import pytest

from accounts.models import User
from blog import demo
from blog.models import Follow, Post


@pytest.mark.django_db
def test_the_demo_content_is_created_once_and_its_logins_work(client):
    lines = demo.seed(site="http://example.test")
    demo.seed(site="http://example.test")

    assert Post.objects.published().count() == 3
    assert Follow.objects.get().author.username == "ada"
    assert all(user.is_verified for user in User.objects.all())
    assert any(demo.PASSWORD in line for line in lines)
    assert client.login(username="linus", password=demo.PASSWORD)
