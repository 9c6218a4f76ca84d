"""The pages read well on a phone and a desktop, in light and dark: screenshots for people to
look at, and the checks a person would notice first."""

from playwright.sync_api import expect

from tests.e2e.browser import shot

WIDTHS = {"phone": 375, "desktop": 1280}


def lightness(page) -> int:
    """Sum of the body background's RGB channels: 765 is white, 0 is black."""
    return page.evaluate(
        "getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3)"
        ".reduce((sum, channel) => sum + Number(channel), 0)"
    )


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def visit_each_page(page, label: str) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Latest posts")).to_be_visible()
    shot(page, f"look-home-{label}")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("somebody")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".errorlist")).to_be_visible()
    assert sideways_overflow(page) <= 0, f"the login page scrolls sideways ({label})"
    shot(page, f"look-login-errors-{label}")
    page.goto("/no-such-page/")
    assert sideways_overflow(page) <= 0, f"the 404 page scrolls sideways ({label})"
    shot(page, f"look-not-found-{label}")


def test_pages_fit_phones_and_desktops_and_follow_the_dark_mode_preference(site, new_page):
    for device, width in WIDTHS.items():
        for scheme in ("light", "dark"):
            page = new_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
            visit_each_page(page, f"{device}-{scheme}")
            if scheme == "dark":
                assert lightness(page) < 3 * 64, "dark mode keeps a light background"
            else:
                assert lightness(page) > 3 * 200, "light mode has a dark background"


def test_keyboard_focus_is_visible_on_links_fields_and_buttons(site, page):
    page.goto("/accounts/login/")
    page.locator("h1").click()  # a pointer first, so the focus rings below come from the keyboard
    focused = set()
    for _ in range(7):  # round the whole page once: fields, button, then the header's links
        page.keyboard.press("Tab")
        tag, outline, ring = page.evaluate(
            "(() => { const e = document.activeElement, s = getComputedStyle(e);"
            " return [e.tagName, s.outlineStyle, s.boxShadow]; })()"
        )
        if tag == "BODY":  # focus left the page for the browser's own controls
            continue
        assert outline != "none" or ring != "none", f"no visible focus on {tag}"
        focused.add(tag)
        if tag == "BUTTON":
            shot(page, "look-focus")
    assert focused == {"A", "INPUT", "BUTTON"}
