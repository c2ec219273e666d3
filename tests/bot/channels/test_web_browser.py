"""The web chat in a real browser (Chromium headless through Selenium): what a reader sees and does
on the demo page and on a portal that embeds the widget, with the keyboard alone, and an XSS probe.
Under CI these never skip (see webchat_browser.require_browser)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from tests.bot.channels.webchat_browser import BotThread, Page, chromium, require_browser
from tests.bot.channels.webchat_harness import Admin

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOT = ROOT / "docs" / "webchat-360.png"
ASK = "ai chủ trì kế hoạch 119"
REF = re.compile(r"[A-Z]{2}-[A-Z0-9]{6}")


@pytest.fixture(scope="module")
def served(kb, matcher, tmp_path_factory):
    require_browser()
    bot = BotThread(kb, matcher, tmp_path_factory.mktemp("webchat")).start()
    yield bot
    bot.stop()


@pytest.fixture(scope="module")
def driver(served):
    import shutil

    drv, profile = chromium()
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(served, driver) -> Page:
    return Page(driver).open(f"{served.base}/webchat/")


def test_the_demo_page_keeps_the_dom_contract_and_answers_with_the_source(page):
    assert page.find("form input[name=q]") and page.find("form button[type=submit]")
    welcome = page.wait_bot(1, "Xin chào")
    assert welcome
    assert page.find_all("[role=log] button")  # the topics, as buttons in the conversation
    page.ask(ASK)
    answer = page.wait_bot(2, "Nguồn")
    assert "Sở Ngoại vụ" in answer and "Thông tin cập nhật đến" in answer
    assert "\n" in answer  # paragraphs kept


def test_a_topic_then_a_question_then_a_rating(page, kb):
    page.wait_bot(1, "Xin chào")
    page.tap(kb.topics_in_order()[0].title["vi"])
    questions = page.find_all("[role=log] .msg.bot:last-of-type button")
    page.wait(lambda: len(page.bot_messages()) == 2)
    questions = page.find_all("[role=log] .msg.bot:last-of-type button")
    assert len(questions) >= 2
    questions[0].click()
    page.wait_bot(3, "Nguồn")
    page.tap("👍")
    assert "Cảm ơn bạn đã đánh giá" in page.wait_bot(4, "Cảm ơn")


def test_feedback_from_the_form_gets_a_reference_code(page, served):
    page.wait_bot(1, "Xin chào")
    page.find(".tools button[data-tool=feedback]").click()
    page.find("form.fb button[type=submit]").click()
    assert page.find("form.fb .err").text  # empty feedback: said so, nothing sent
    page.find("form.fb textarea[name=text]").send_keys("Xin bổ sung lịch triển khai.")
    page.find("form.fb input[name=name]").send_keys("Lê Thị B")
    page.find("form.fb input[name=email]").send_keys("khong-phai-email")
    page.find("form.fb button[type=submit]").click()
    assert page.wait(lambda: page.find("form.fb .err").text)
    page.find("form.fb input[name=email]").clear()
    page.find("form.fb input[name=email]").send_keys("b@example.vn")
    page.find("form.fb button[type=submit]").click()
    done = page.wait_bot(2, "Mã góp ý")
    ref = REF.search(done).group(0)

    async def stored() -> list[tuple]:
        db = (await served.bot.router.storage.open()).db
        async with db.execute("SELECT channel, name, email FROM feedback WHERE ref = ?", (ref,)) as cur:
            return [tuple(r) for r in await cur.fetchall()]

    assert served.call(stored) == [("web", "Lê Thị B", "b@example.vn")]


def test_switching_to_english(page):
    page.wait_bot(1, "Xin chào")
    page.find("header button.lang").click()
    page.wait(lambda: page.find("header button.lang").text == "Tiếng Việt")
    assert page.find("form input[name=q]").get_attribute("placeholder") == "Type your question…"
    count = len(page.bot_messages())
    page.ask("who leads plan 119")
    assert "Source" in page.wait_bot(count + 1, "Source")


def test_contacts_privacy_and_deleting_my_data(page, served, driver):
    page.wait_bot(1, "Xin chào")
    page.ask(ASK)
    page.wait_bot(2, "Nguồn")
    page.find(".tools button[data-tool=contacts]").click()
    assert "Sở Ngoại vụ" in page.wait_bot(3)
    page.find(".tools button[data-tool=privacy]").click()
    page.wait_bot(4)
    page.find(".tools button[data-tool=forget]").click()
    page.wait_bot(5)
    page.tap("Xóa dữ liệu của tôi")
    assert "Đã xóa toàn bộ dữ liệu" in page.wait_bot(6, "Đã xóa")
    sid = driver.get_cookie("webchat_sid")["value"]
    assert driver.get_cookie("webchat_sid")["httpOnly"]

    async def left() -> dict[str, int]:
        db = (await served.bot.router.storage.open()).db
        counts = {}
        for table in ("users", "questions", "ratings", "conversation_state"):
            async with db.execute(f"SELECT count(*) FROM {table} WHERE channel = 'web' AND user_id = ?",
                                  (sid,)) as cur:
                counts[table] = (await cur.fetchone())[0]
        return counts

    assert served.call(left) == {"users": 0, "questions": 0, "ratings": 0, "conversation_state": 0}


def test_an_administrators_answer_appears_in_the_open_panel(page, served):
    question = "thủ tục cấp hộ chiếu phổ thông mất bao lâu"
    page.wait_bot(1, "Xin chào")
    page.ask(question)
    page.wait_bot(2, "Xin lỗi")
    done = served.call(lambda: Admin(served.bot).answer(question, "Hộ chiếu do cơ quan công an cấp."))
    assert "Đã chuyển tới: 1 người" in done.text
    assert "Hộ chiếu do cơ quan công an cấp." in page.wait_bot(3, "Hộ chiếu do cơ quan công an cấp.")


def test_keyboard_alone_on_an_embedding_portal(served, driver):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page = Page(driver).open(served.allowed_page)
    keys = ActionChains(driver)
    page.wait(lambda: page.find(".launcher").is_displayed())
    assert page.find(".panel").get_attribute("hidden") is not None  # closed on a portal
    driver.find_element("tag name", "body").click()
    for _ in range(10):  # Tab until the launcher has the focus, as a keyboard user would
        keys.send_keys(Keys.TAB).perform()
        if (page.active() or {}) and page.active().get_attribute("class") == "launcher":
            break
    assert page.active().get_attribute("class") == "launcher"
    keys.send_keys(Keys.ENTER).perform()
    page.wait(lambda: page.active() is not None and page.active().get_attribute("name") == "q")
    page.wait_bot(1, "Xin chào")
    keys.send_keys(ASK, Keys.ENTER).perform()
    page.wait_bot(2, "Nguồn")
    assert page.active().get_attribute("name") == "q"  # still typing: the focus stays
    keys.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()  # the last option
    assert page.active().tag_name == "button" and page.active().get_attribute("class") == "opt"
    keys.send_keys(Keys.ENTER).perform()
    page.wait_bot(3)
    page.wait(lambda: "msg" in (page.active().get_attribute("class") or ""))  # focus on the new message
    keys.send_keys(Keys.ESCAPE).perform()
    page.wait(lambda: page.find(".panel").get_attribute("hidden") is not None)
    assert page.active().get_attribute("class") == "launcher"
    # the portal's CSS (every button hidden, red serif text) does not reach inside the widget
    assert page.find(".launcher").value_of_css_property("display") != "none"


def test_an_xss_probe_is_shown_as_text_and_runs_nothing(page, served):
    from selenium.common.exceptions import NoAlertPresentException

    probes = ["<img src=x onerror=\"window.__xss=1;alert(1)\">", "<script>window.__xss=2;alert(2)</script>",
              "javascript:window.__xss=3;alert(3)", "[bấm](javascript:alert(4)) https://x.example/\"><b>b</b>"]
    page.wait_bot(1, "Xin chào")
    for n, probe in enumerate(probes, start=2):
        page.ask(probe)
        page.wait_bot(n)
    page.find(".tools button[data-tool=feedback]").click()
    page.find("form.fb textarea[name=text]").send_keys(probes[0] + probes[1])
    page.find("form.fb input[name=name]").send_keys("<svg onload=alert(5)>")
    page.find("form.fb button[type=submit]").click()
    page.wait_bot(len(probes) + 2, "Mã góp ý")
    time.sleep(0.3)
    with pytest.raises(NoAlertPresentException):
        page.driver.switch_to.alert.text  # noqa: B018 (no dialog ever opened)
    driver = page.driver
    assert driver.execute_script("return window.__xss === undefined")
    assert driver.execute_script("""
        var root = document.getElementById('khh119-webchat').shadowRoot;
        return root.querySelectorAll('img, script, svg, b, iframe').length
             + document.querySelectorAll('img, svg, b, iframe').length;""") == 0
    hrefs = [a.get_attribute("href") for a in page.find_all("[role=log] a")]
    assert all(h.startswith(("http://", "https://")) for h in hrefs)
    mine = driver.execute_script("""return Array.from(document.getElementById('khh119-webchat').shadowRoot
        .querySelectorAll('.msg.me')).map(function (m) { return m.textContent; }).join('\\n');""")
    for probe in probes[:3]:
        assert probe in mine  # shown as typed


def test_a_100000_character_paste_gets_a_polite_word_and_no_traceback(page):
    page.wait_bot(1, "Xin chào")
    page.driver.execute_script("""
        var field = document.getElementById('khh119-webchat').shadowRoot.querySelector('input[name=q]');
        var data = new DataTransfer();
        data.setData('text/plain', 'a'.repeat(100000));
        field.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true}));
        field.value = 'b'.repeat(100000);  /* past maxlength, as a script could */
        field.form.requestSubmit();""")
    notes = page.wait(lambda: len(page.find_all(".msg.note")) >= 2 and page.find_all(".msg.note"))
    assert all("quá dài" in n.text for n in notes)
    assert len(page.bot_messages()) == 1  # nothing answered, nothing broken
    page.ask(ASK)
    page.wait_bot(2, "Nguồn")


def test_a_portal_not_allowed_is_refused(served, driver):
    page = Page(driver).open(served.refused_page)
    page.find(".launcher").click()
    page.wait(lambda: page.find_all(".msg.note"))
    assert "không được phép" in page.find(".msg.note").text
    assert not page.bot_messages()


def test_a_360_px_phone_screenshot_for_the_readme(page, driver, served, tmp_path):
    """Written to docs/ for the README only when asked (WEBCHAT_SCREENSHOT=1), so a test run
    leaves the working tree as it was."""
    shot = SCREENSHOT if os.environ.get("WEBCHAT_SCREENSHOT") else tmp_path / SCREENSHOT.name
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True})
    try:
        page.open(f"{served.base}/webchat/")
        page.wait_bot(1, "Xin chào")
        page.ask(ASK)
        page.wait_bot(2, "Nguồn")
        width = driver.execute_script("return document.getElementById('khh119-webchat').shadowRoot"
                                      ".querySelector('.panel').getBoundingClientRect().width")
        assert width <= 360
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
        shot.parent.mkdir(exist_ok=True)
        driver.get_screenshot_as_file(str(shot))
        assert shot.stat().st_size > 5000
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_first_answer_is_shown_quickly(page):
    """The target in `make bench` is 300 ms on the reference machine; here a loose bound, the
    machine being shared."""
    page.wait_bot(1, "Xin chào")
    field = page.find("form input[name=q]")
    field.send_keys(ASK)
    started = time.perf_counter()
    page.find("form button[type=submit]").click()
    page.wait_bot(2, "Nguồn")
    assert time.perf_counter() - started < 3.0
