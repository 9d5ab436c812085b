from boards.demo import DEMO_PASSWORD, PRIVATE_SLUG, PUBLIC_SLUG, seed_demo_network
from tests.browser.conftest import PHONE, screenshot, sign_in


def test_demo_member_signs_in_and_reads_public_and_private_spaces_in_french(new_page):
    seed_demo_network()
    page = new_page()
    sign_in(page, "jean", DEMO_PASSWORD)

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Le réseau des espaces").is_visible()
    assert page.get_by_role("link", name="Comité de travail").is_visible()
    screenshot(page, "foundation-home")

    page.get_by_role("link", name="Jeunes en projet").first.click()
    page.wait_for_url(f"**/s/{PUBLIC_SLUG}/")
    assert page.get_by_text("Le décrochage").first.is_visible()
    assert page.get_by_role("link", name="Membres", exact=True).is_visible()
    screenshot(page, "foundation-public-space")

    page.goto(f"/s/{PRIVATE_SLUG}/")
    assert page.get_by_text("Privé").first.is_visible()
    screenshot(page, "foundation-private-space")


def test_private_space_is_a_404_for_an_anonymous_visitor(new_page):
    seed_demo_network()
    page = new_page(viewport=PHONE)
    response = page.goto(f"/s/{PRIVATE_SLUG}/")
    assert response.status == 404
    assert "Comité de travail" not in page.content()
    screenshot(page, "foundation-404-phone")
