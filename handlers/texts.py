"""Everything the bot says that is not knowledge-base content, in both languages.

Kept in one place so the wording can be reviewed by the officials who own the bot. No contact
detail appears here: the fallback names the kind of body to ask, never an address or number.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "source": {"vi": "Nguồn", "en": "Source"},
    "as_of": {"vi": "Thông tin cập nhật đến", "en": "Information as of"},
    "contact": {"vi": "Liên hệ", "en": "Contact"},
    "address": {"vi": "Địa chỉ", "en": "Address"},
    "phone": {"vi": "Điện thoại", "en": "Phone"},
    "email": {"vi": "E-mail", "en": "E-mail"},
    "website": {"vi": "Trang web", "en": "Website"},
    "hours": {"vi": "Giờ làm việc", "en": "Office hours"},
    "clarify": {
        "vi": "Tôi chưa chắc bạn muốn hỏi điều nào. Có phải bạn muốn hỏi:",
        "en": "I am not sure which of these you mean. Did you mean:",
    },
    "clarify_hint": {
        "vi": "Hãy chọn một câu ở trên, hoặc hỏi lại cụ thể hơn.",
        "en": "Pick one of the questions above, or ask again in more detail.",
    },
    "fallback": {
        "vi": (
            "Xin lỗi, tôi chưa có thông tin để trả lời câu hỏi này. Tôi chỉ trả lời về Kế hoạch hành động "
            "119/KH-UBND của tỉnh Thanh Hóa về ngoại giao kinh tế, gồm:\n{topics}\n"
            "Với thủ tục hành chính hay việc thuộc lĩnh vực khác, bạn nên hỏi cơ quan chuyên môn phụ trách "
            "lĩnh vực đó hoặc Ủy ban nhân dân xã, phường nơi bạn ở. Câu hỏi về ngoại giao kinh tế của tỉnh "
            "có thể gửi Sở Ngoại vụ tỉnh Thanh Hóa."
        ),
        "en": (
            "Sorry, I have no information to answer that. I only answer questions about Thanh Hóa "
            "province's economic-diplomacy action plan (Plan 119/KH-UBND), namely:\n{topics}\n"
            "For administrative procedures or other matters, please ask the agency in charge of that field "
            "or the People's Committee of your commune or ward. Questions on the province's economic "
            "diplomacy can go to the Thanh Hóa Department of Foreign Affairs (Sở Ngoại vụ)."
        ),
    },
    "unknown_document": {
        "vi": (
            "Tôi không có thông tin về văn bản bạn nhắc tới. Tôi chỉ có thông tin về Kế hoạch hành động "
            "119/KH-UBND của tỉnh Thanh Hóa và các văn bản mà kế hoạch này triển khai (Chỉ thị số "
            "15-CT/TW, Nghị quyết số 21/NQ-CP, Kế hoạch số 128-KH/TU). Để tra cứu văn bản khác, bạn nên "
            "hỏi cơ quan đã ban hành văn bản đó."
        ),
        "en": (
            "I have no information about the document you mention. I only know Thanh Hóa's action plan "
            "119/KH-UBND and the documents it implements (Directive 15-CT/TW, Resolution 21/NQ-CP, "
            "Plan 128-KH/TU). For any other document, please ask the body that issued it."
        ),
    },
    "empty": {
        "vi": "Bạn chưa nhập câu hỏi. Hãy gõ câu hỏi của bạn, ví dụ: \"Kế hoạch 119 là gì?\"",
        "en": "You have not typed a question yet. Try, for example: \"What is Plan 119?\"",
    },
    "related": {"vi": "Câu hỏi liên quan", "en": "Related questions"},
    "menu": {
        "vi": "Bạn muốn tìm hiểu nội dung nào? Chọn một chủ đề hoặc gõ câu hỏi của bạn.",
        "en": "What would you like to know? Pick a topic or type your question.",
    },
    "topic_intro": {"vi": "Các câu hỏi về chủ đề: {title}", "en": "Questions on: {title}"},
    "back": {"vi": "⬅️ Quay lại", "en": "⬅️ Back"},
    "unknown_option": {
        "vi": "Lựa chọn này không còn hiệu lực. Bạn hãy gõ câu hỏi hoặc mở lại menu.",
        "en": "That choice is no longer available. Please type your question or open the menu again.",
    },
    "pick_number": {"vi": "Gõ số {numbers} để chọn.", "en": "Type {numbers} to choose."},
    # -- conversation features (Telegram issue): commands, ratings, feedback, privacy ---------
    "welcome": {
        "vi": (
            "Xin chào! Tôi là trợ lý hỏi đáp về Kế hoạch hành động 119/KH-UBND của tỉnh Thanh Hóa về "
            "ngoại giao kinh tế. Bạn có thể gõ câu hỏi bằng tiếng Việt (có dấu hay không dấu đều được) "
            "hoặc tiếng Anh, hoặc chọn một chủ đề bên dưới. Tôi trả lời về:\n{topics}\n\n"
            "Gõ /help để xem các lệnh, /lang để đổi ngôn ngữ (Change language: /lang)."
        ),
        "en": (
            "Hello! I answer questions about Thanh Hóa province's economic-diplomacy action plan "
            "(Plan 119/KH-UBND). Type your question in English or Vietnamese, or pick a topic below. "
            "I can tell you about:\n{topics}\n\n"
            "Type /help for the commands, /lang to change the language (Đổi ngôn ngữ: /lang)."
        ),
    },
    "help": {
        "vi": ("Bạn cứ gõ câu hỏi như khi hỏi một cán bộ, ví dụ: \"Ai chủ trì Kế hoạch 119?\"\n\n"
               "Các lệnh:\n{commands}"),
        "en": ("Just type your question as you would ask an official, e.g. \"Who leads Plan 119?\"\n\n"
               "Commands:\n{commands}"),
    },
    "cmd_start": {"vi": "Bắt đầu, giới thiệu và menu chủ đề", "en": "Start: introduction and topic menu"},
    "cmd_menu": {"vi": "Menu chủ đề", "en": "Topic menu"},
    "cmd_help": {"vi": "Hướng dẫn sử dụng", "en": "How to use this bot"},
    "cmd_lienhe": {"vi": "Cơ quan liên hệ", "en": "Who to contact"},
    "cmd_gopy": {"vi": "Gửi góp ý", "en": "Send feedback"},
    "cmd_lang": {"vi": "Đổi ngôn ngữ (Tiếng Việt / English)", "en": "Change language (English / Tiếng Việt)"},
    "cmd_privacy": {"vi": "Dữ liệu bot lưu về bạn", "en": "What data the bot keeps"},
    "cmd_xoadulieu": {"vi": "Xóa dữ liệu của tôi", "en": "Delete my data"},
    "cmd_huy": {"vi": "Hủy thao tác đang làm", "en": "Cancel what you are doing"},
    "unknown_command": {
        "vi": "Tôi không hiểu lệnh này. Gõ /help để xem các lệnh, hoặc gõ câu hỏi của bạn.",
        "en": "I do not know that command. Type /help for the commands, or just type your question.",
    },
    "rate_prompt": {"vi": "Câu trả lời có hữu ích không?", "en": "Was this answer helpful?"},
    "rated_up": {"vi": "Cảm ơn bạn đã đánh giá!", "en": "Thank you for your rating!"},
    "rated_down": {
        "vi": "Cảm ơn bạn! Câu trả lời này sẽ được cán bộ phụ trách xem lại.",
        "en": "Thank you! An official will review this answer.",
    },
    "cancel": {"vi": "✖️ Hủy", "en": "✖️ Cancel"},
    "skip": {"vi": "Bỏ qua", "en": "Skip"},
    "send": {"vi": "✅ Gửi", "en": "✅ Send"},
    "cancelled": {
        "vi": "Đã hủy. Bạn có thể gõ câu hỏi bất cứ lúc nào.",
        "en": "Cancelled. Type a question any time.",
    },
    "nothing_to_cancel": {"vi": "Không có thao tác nào đang dở.", "en": "There is nothing to cancel."},
    "fb_start": {
        "vi": "Cảm ơn bạn muốn góp ý! Hãy gõ nội dung góp ý của bạn (tối đa {max} ký tự). Gõ /huy để hủy.",
        "en": ("Thank you for wanting to give feedback! Type your comment (up to {max} characters). "
               "Type /huy to cancel."),
    },
    "fb_too_long": {
        "vi": "Góp ý dài hơn {max} ký tự. Bạn hãy rút gọn rồi gửi lại nhé.",
        "en": "That is longer than {max} characters. Please shorten it and send it again.",
    },
    "fb_name": {
        "vi": "Bạn có muốn để lại họ tên không? Gõ họ tên, hoặc chọn \"Bỏ qua\" (không bắt buộc).",
        "en": "Would you like to leave your name? Type it, or choose \"Skip\" (optional).",
    },
    "fb_email": {
        "vi": "E-mail để nhận phản hồi (không bắt buộc): gõ địa chỉ e-mail, hoặc chọn \"Bỏ qua\".",
        "en": "An e-mail address for a reply (optional): type it, or choose \"Skip\".",
    },
    "fb_bad_email": {
        "vi": "Địa chỉ e-mail này có vẻ chưa đúng. Bạn gõ lại, hoặc chọn \"Bỏ qua\".",
        "en": "That does not look like an e-mail address. Type it again, or choose \"Skip\".",
    },
    "fb_bad_name": {
        "vi": "Họ tên tối đa {max} ký tự. Bạn gõ lại, hoặc chọn \"Bỏ qua\".",
        "en": "A name can have at most {max} characters. Type it again, or choose \"Skip\".",
    },
    "fb_preview": {
        "vi": "Bạn sắp gửi góp ý sau:\n\n{text}\n\nHọ tên: {name}\nE-mail: {email}\n\nGửi góp ý này?",
        "en": "You are about to send this feedback:\n\n{text}\n\nName: {name}\nE-mail: {email}\n\nSend it?",
    },
    "fb_pick": {"vi": "Bạn chọn \"Gửi\" hoặc \"Hủy\" nhé.", "en": "Please choose \"Send\" or \"Cancel\"."},
    "fb_none": {"vi": "(không có)", "en": "(none)"},
    "fb_done": {
        "vi": ("Đã ghi nhận góp ý của bạn. Mã góp ý: {ref}. Bạn có thể dùng mã này khi cần hỏi lại. "
               "Cảm ơn bạn!"),
        "en": ("Your feedback has been recorded. Reference: {ref}. Quote it if you ask about it later. "
               "Thank you!"),
    },
    "lang_prompt": {
        "vi": "Chọn ngôn ngữ / Choose your language:",
        "en": "Choose your language / Chọn ngôn ngữ:",
    },
    "lang_set": {"vi": "Đã chuyển sang tiếng Việt.", "en": "Switched to English."},
    "privacy": {
        "vi": (
            "Dữ liệu bot lưu về bạn\n\n"
            "• Mã người dùng của bạn trên kênh nhắn tin (không lưu số điện thoại hay tên hiển thị), ngôn ngữ "
            "bạn chọn, thời điểm bạn nhắn lần đầu và lần cuối.\n"
            "• Các câu hỏi bạn gửi và cách bot trả lời; các đánh giá 👍/👎.\n"
            "• Góp ý gửi qua /gopy; họ tên và e-mail chỉ khi bạn tự cung cấp.\n"
            "• Bước đang làm dở của một thao tác nhiều bước (ví dụ đang gửi góp ý).\n\n"
            "Mục đích: trả lời bạn, để cán bộ phụ trách xem lại những câu bot chưa trả lời được và cải "
            "thiện nội dung, và thống kê chung. Dữ liệu không dùng cho mục đích khác.\n\n"
            "Thời hạn: dữ liệu được giữ tối đa {days} ngày rồi tự động xóa.\n\n"
            "Gõ /xoadulieu để xóa ngay toàn bộ dữ liệu bot đã lưu về bạn. Tin nhắn trong cuộc trò "
            "chuyện do ứng dụng nhắn tin lưu; bạn có thể tự xóa chúng trong ứng dụng."
        ),
        "en": (
            "What the bot keeps about you\n\n"
            "• Your user id on the messaging channel (not your phone number or display name), the language "
            "you chose, when you first and last wrote.\n"
            "• The questions you send and how the bot answered; your 👍/👎 ratings.\n"
            "• Feedback sent with /gopy; a name and e-mail only if you give them.\n"
            "• The step you are at in a multi-step action (e.g. sending feedback).\n\n"
            "Why: to answer you, so officials can review questions the bot could not answer and improve "
            "the content, and for overall statistics. Nothing else.\n\n"
            "How long: at most {days} days, then it is deleted automatically.\n\n"
            "Type /xoadulieu to delete everything the bot keeps about you now. The chat itself is kept by "
            "your messaging app; you can delete it there."
        ),
    },
    "delete_confirm": {
        "vi": (
            "Bạn có chắc muốn xóa toàn bộ dữ liệu bot đã lưu về bạn (câu hỏi, đánh giá, góp ý, ngôn ngữ đã "
            "chọn)? Việc này không hoàn tác được."
        ),
        "en": (
            "Do you really want to delete everything the bot keeps about you (questions, ratings, feedback, "
            "language choice)? This cannot be undone."
        ),
    },
    "delete_yes": {"vi": "🗑️ Xóa dữ liệu của tôi", "en": "🗑️ Delete my data"},
    "delete_no": {"vi": "Không, giữ lại", "en": "No, keep it"},
    "deleted": {
        "vi": "Đã xóa toàn bộ dữ liệu bot lưu về bạn. Nếu bạn nhắn tiếp, bot sẽ ghi nhận lại từ đầu.",
        "en": "Everything the bot kept about you has been deleted. If you write again, it starts afresh.",
    },
    "delete_kept": {"vi": "Dữ liệu của bạn được giữ nguyên.", "en": "Your data has been kept."},
    "contacts_intro": {
        "vi": "Các cơ quan có thể liên hệ về Kế hoạch 119:",
        "en": "Bodies you can contact about Plan 119:",
    },
    "contacts_business_intro": {
        "vi": "Dành cho doanh nghiệp, bắt đầu từ các đơn vị xúc tiến đầu tư:",
        "en": "For businesses, starting with investment promotion:",
    },
    "contacts_pending": {
        "vi": (
            "Địa chỉ, điện thoại, e-mail của các cơ quan đang được cán bộ phụ trách xác nhận và sẽ được "
            "bổ sung; bot không đưa thông tin chưa được xác nhận."
        ),
        "en": (
            "Addresses, phone numbers and e-mails are being confirmed by the officials in charge and will be "
            "added; the bot gives no detail that has not been confirmed."
        ),
    },
    "contacts_business": {"vi": "🏢 Dành cho doanh nghiệp", "en": "🏢 For businesses"},
    "contacts_all": {"vi": "👥 Tất cả cơ quan", "en": "👥 All bodies"},
    "non_text": {
        "vi": "Xin lỗi, tôi chỉ đọc được tin nhắn chữ. Bạn hãy gõ câu hỏi của mình nhé.",
        "en": "Sorry, I can only read text. Please type your question.",
    },
    "flood": {
        "vi": "Bạn đang gửi tin nhắn quá nhanh. Bạn vui lòng chờ một lát rồi hỏi tiếp nhé.",
        "en": "You are sending messages too fast. Please wait a moment, then ask again.",
    },
    "error": {
        "vi": "Xin lỗi, đã có lỗi xảy ra. Bạn vui lòng thử lại sau giây lát.",
        "en": "Sorry, something went wrong. Please try again in a moment.",
    },
    # -- administrators (issue 4) ---------------------------------------------------------------
    "adm_menu": {
        "vi": "Quản trị nội dung. Bạn muốn làm gì?",
        "en": "Content administration. What would you like to do?",
    },
    "adm_audit": {"vi": "📜 Nhật ký quản trị", "en": "📜 Audit log"},
    "adm_audit_title": {"vi": "Nhật ký quản trị (mới nhất trước):", "en": "Audit log (newest first):"},
    "adm_audit_empty": {"vi": "Chưa có thao tác quản trị nào.", "en": "No administrator actions yet."},
    "adm_back": {"vi": "⬅️ Menu quản trị", "en": "⬅️ Admin menu"},
}


def t(key: str, lang: str, **kwargs: str) -> str:
    text = TEXTS[key].get(lang) or TEXTS[key]["vi"]
    return text.format(**kwargs) if kwargs else text
