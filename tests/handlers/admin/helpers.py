"""What several administrator tests do: the sample entry they add and the question they ask."""

from __future__ import annotations

from handlers.messages import Reply
from tests.handlers.driver import ChatDriver, actions

NEW_Q = "quy trình cấp thẻ ABTC cho doanh nhân"
NEW_ANSWER = "Thẻ đi lại của doanh nhân APEC (ABTC): câu trả lời thử nghiệm do cán bộ nhập."
ASK = "ai chủ trì kế hoạch 119"


async def add_entry(chat: ChatDriver, phrasings: str = f"{NEW_Q}\nthu tuc xin the ABTC",
                    answer: str = NEW_ANSWER) -> Reply:
    await chat.press("ad:add")
    await chat.press("ad:topic:business")
    await chat.say(phrasings)
    await chat.say(answer)
    await chat.press("ad:skip")
    preview = await chat.press("ad:src:article-119")
    assert "Xem trước" in preview.text and answer in preview.text
    assert "ad:save" in actions(preview)
    return await chat.press("ad:save")
