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
    "not_held": {
        "vi": (
            "Xin lỗi, các nguồn của tôi không có thông tin về {what}, nên tôi không trả lời được câu này. "
            "Bạn có thể hỏi trực tiếp {where}."
        ),
        "en": (
            "Sorry, my sources hold no information on {what}, so I cannot answer this. "
            "You could ask {where} directly."
        ),
    },
    "not_held_related": {
        "vi": "Những nội dung liên quan tôi trả lời được:",
        "en": "Related questions I can answer:",
    },
    "not_held_where": {"vi": "Sở Ngoại vụ tỉnh Thanh Hóa", "en": "the Thanh Hóa Department of Foreign Affairs"},
    "nh_person": {"vi": "tên hay nhân sự lãnh đạo hiện nay", "en": "the names of current office-holders"},
    "nh_budget": {"vi": "ngân sách, kinh phí hay các khoản phí", "en": "budgets, funding or fees"},
    "nh_staff": {"vi": "số cán bộ, nhân viên hay hội viên", "en": "staff or membership numbers"},
    "nh_hours": {"vi": "giờ làm việc hay lịch tiếp dân", "en": "opening hours or reception days"},
    "nh_procedure": {"vi": "thủ tục hành chính, hồ sơ hay giấy phép",
                     "en": "administrative procedures, paperwork or permits"},
    "nh_results": {"vi": "kết quả thực hiện đến nay", "en": "results achieved so far"},
    "nh_figures": {"vi": "số liệu thống kê hay các dự án cụ thể", "en": "statistics or specific projects"},
    "nh_incentives": {"vi": "chính sách ưu đãi, thuế hay vay vốn", "en": "tax or other incentives and loans"},
    "nh_schedule": {"vi": "lịch các sự kiện sắp tới", "en": "upcoming events and their dates"},
    "nh_year": {"vi": "số liệu hay sự kiện của năm bạn hỏi", "en": "figures or events for the year you ask about"},
    "also_asked": {
        "vi": "Bạn cũng hỏi: «{question}» — chọn bên dưới để xem câu trả lời.",
        "en": "You also asked: “{question}” — pick it below for the answer.",
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
    # channels without buttons (Zalo): "1, 2 hoặc 3", "từ 1 đến 9" in the sentence above
    "pick_or": {"vi": "hoặc", "en": "or"},
    "pick_range": {"vi": "từ 1 đến {n}", "en": "a number from 1 to {n}"},
    "zalo_no_files": {
        "vi": "Zalo không gửi được tệp ({names}); bạn dùng chức năng này trên Telegram nhé.",
        "en": "Files cannot be sent on Zalo ({names}); please use this on Telegram.",
    },
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
            "• Bước đang làm dở của một thao tác nhiều bước (ví dụ đang gửi góp ý).\n"
            "• Bạn có đăng ký nhận thông báo (/dangky) hay không.\n\n"
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
            "• The step you are at in a multi-step action (e.g. sending feedback).\n"
            "• Whether you subscribed to announcements (/dangky).\n\n"
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
    "adm_notes": {"vi": "⚠️ Cần lưu ý:", "en": "⚠️ Please note:"},
    "adm_note_superseded": {
        "vi": ("{id}: tệp dữ liệu YAML đã có bản mới hơn nên bot đang dùng bản trong tệp thay cho phiên "
               "bản {v} sửa từ chat. Bản sửa của bạn vẫn được lưu: mở câu trả lời → Lịch sử để dùng lại."),
        "en": ("{id}: the YAML file has a newer version, so the bot now uses the file instead of chat "
               "version {v}. Your version is kept: open the entry → History to use it again."),
    },
    "adm_note_orphan": {
        "vi": "{id}: câu trả lời này không còn trong tệp YAML; bot vẫn dùng phiên bản {v} sửa từ chat.",
        "en": "{id}: this entry is no longer in the YAML files; the bot keeps using chat version {v}.",
    },
    "adm_note_invalid": {
        "vi": ("{id}: phiên bản {v} sửa từ chat dùng chủ đề hoặc nguồn không còn trong tệp dữ liệu nên "
               "chưa được áp dụng. Mở câu trả lời để sửa lại."),
        "en": ("{id}: chat version {v} refers to a topic or source the files no longer have, so it is not "
               "applied. Open the entry to fix it."),
    },
    "adm_add": {"vi": "➕ Thêm câu trả lời mới", "en": "➕ Add an entry"},
    "adm_find": {"vi": "✏️ Tìm và sửa câu trả lời", "en": "✏️ Find and edit an entry"},
    "adm_hidden": {"vi": "🙈 Câu trả lời đang ẩn", "en": "🙈 Hidden entries"},
    "adm_audit": {"vi": "📜 Nhật ký quản trị", "en": "📜 Audit log"},
    "adm_back": {"vi": "⬅️ Menu quản trị", "en": "⬅️ Admin menu"},
    "adm_stale": {
        "vi": "Bước này đã kết thúc (đã lưu, đã hủy hoặc quá hạn). Bạn chọn lại từ menu quản trị nhé.",
        "en": "That step is over (saved, cancelled or expired). Please start again from the admin menu.",
    },
    "adm_find_prompt": {
        "vi": "Gõ vài từ của câu hỏi (như người dân hỏi) hoặc mã câu trả lời để tìm.",
        "en": "Type a few words of the question (as people ask it) or the entry's id.",
    },
    "adm_find_none": {
        "vi": "Không tìm thấy câu trả lời nào phù hợp. Bạn gõ từ khác, hoặc chọn Hủy.",
        "en": "No matching entry. Try other words, or choose Cancel.",
    },
    "adm_find_results": {"vi": "Chọn câu trả lời cần xem hoặc sửa:", "en": "Pick the entry to view or edit:"},
    "adm_pick": {
        "vi": "Ở bước này bạn hãy chọn một trong các lựa chọn bên dưới.",
        "en": "At this step, please pick one of the options below.",
    },
    "adm_fix": {"vi": "Chưa lưu được, bạn sửa giúp:", "en": "This cannot be used yet; please fix:"},
    "adm_ask_topic": {
        "vi": "Câu trả lời này thuộc chủ đề nào?",
        "en": "Which topic does this entry belong to?",
    },
    "adm_ask_phrasings": {
        "vi": ("Gõ các câu hỏi mà người dân hay hỏi về nội dung này, mỗi dòng một câu. Càng nhiều cách hỏi "
               "càng tốt (có dấu, không dấu, viết tắt, tiếng Anh đều được)."),
        "en": ("Type the questions people ask about this, one per line. The more ways of asking, the better "
               "(with or without diacritics, abbreviations, English)."),
    },
    "adm_ask_phrasings_edit": {
        "vi": ("Các câu hỏi hiện có:\n{current}\n\nGõ câu hỏi mới để thêm, mỗi dòng một câu. Để bỏ một câu, "
               "gõ dấu trừ rồi số thứ tự của câu đó, ví dụ: -3"),
        "en": ("Current questions:\n{current}\n\nType new questions to add, one per line. To remove one, "
               "type a minus and its number, e.g. -3"),
    },
    "adm_ask_answer": {
        "vi": "Gõ câu trả lời bằng tiếng Việt (chữ thường, không cần định dạng; tối đa 3.500 ký tự).",
        "en": "Type the answer in Vietnamese (plain text, no formatting; at most 3,500 characters).",
    },
    "adm_ask_answer_en": {
        "vi": "Gõ câu trả lời bằng tiếng Anh (không bắt buộc).",
        "en": "Type the answer in English (optional).",
    },
    "adm_current": {"vi": "Nội dung hiện tại:\n{text}", "en": "Current text:\n{text}"},
    "adm_ask_source": {
        "vi": "Câu trả lời dựa trên nguồn nào? (chỉ chọn nguồn đã được duyệt)",
        "en": "Which source is the answer based on? (approved sources only)",
    },
    "adm_save": {"vi": "✅ Lưu và áp dụng", "en": "✅ Save and publish"},
    "adm_preview_add": {"vi": "Xem trước câu trả lời mới ({id}):", "en": "Preview of the new entry ({id}):"},
    "adm_preview_edit": {"vi": "Thay đổi sẽ lưu cho", "en": "Changes to be saved to"},
    "adm_preview_hide": {"vi": "Ẩn câu trả lời", "en": "Hide the entry"},
    "adm_preview_restore": {"vi": "Khôi phục câu trả lời", "en": "Restore the entry"},
    "adm_preview_rollback": {"vi": "Quay về phiên bản cũ của", "en": "Roll back"},
    "adm_confirm": {
        "vi": "Chọn \"Lưu và áp dụng\" để người dân nhận nội dung này ngay, hoặc \"Hủy\".",
        "en": "Choose \"Save and publish\" to make this live at once, or \"Cancel\".",
    },
    "adm_no_change": {"vi": "(không có gì thay đổi)", "en": "(nothing changes)"},
    "adm_f_id": {"vi": "Mã", "en": "Id"},
    "adm_f_topic": {"vi": "Chủ đề", "en": "Topic"},
    "adm_f_questions": {"vi": "Câu hỏi", "en": "Questions"},
    "adm_f_answer_vi": {"vi": "Trả lời (tiếng Việt)", "en": "Answer (Vietnamese)"},
    "adm_f_answer_en": {"vi": "Trả lời (tiếng Anh)", "en": "Answer (English)"},
    "adm_old": {"vi": "Cũ", "en": "Old"},
    "adm_new": {"vi": "Mới", "en": "New"},
    "adm_now_hidden": {
        "vi": "Câu trả lời sẽ bị ẩn: bot không dùng nó nữa (khôi phục được bất cứ lúc nào).",
        "en": "The entry will be hidden: the bot stops using it (it can be restored at any time).",
    },
    "adm_now_visible": {
        "vi": "Câu trả lời sẽ được dùng lại để trả lời người dân.",
        "en": "The entry will be used to answer people again.",
    },
    "adm_not_found": {
        "vi": "Không tìm thấy câu trả lời có mã {id}.",
        "en": "There is no entry with id {id}.",
    },
    "adm_cannot_save": {
        "vi": "Chưa lưu được vì nội dung không còn hợp lệ:",
        "en": "Not saved, because the content is no longer valid:",
    },
    "adm_conflict": {
        "vi": ("Chưa lưu: {who} trong lúc bạn đang sửa. Để không ghi đè lên thay đổi đó, bản của bạn chưa "
               "được áp dụng (đã ghi vào nhật ký quản trị). Hãy mở lại câu trả lời để xem bản mới nhất rồi "
               "sửa lại nếu cần. Nội dung bạn định lưu:"),
        "en": ("Not saved: {who} while you were editing. To avoid overwriting that change, yours was not "
               "applied (it is kept in the audit log). Open the entry to see the latest version and edit "
               "again if needed. What you tried to save:"),
    },
    "adm_conflict_by": {
        "vi": "{admin} đã lưu phiên bản {v} lúc {when}",
        "en": "{admin} saved version {v} at {when}",
    },
    "adm_conflict_file": {
        "vi": "tệp dữ liệu YAML đã được tải lại với nội dung mới",
        "en": "the YAML files were reloaded with new content",
    },
    "adm_open": {"vi": "📄 Mở câu trả lời", "en": "📄 Open the entry"},
    "adm_saved_add": {
        "vi": "✅ Đã thêm câu trả lời {id} (phiên bản {v}). Bot trả lời bằng nội dung này ngay từ bây giờ.",
        "en": "✅ Entry {id} added (version {v}). The bot answers with it from now on.",
    },
    "adm_saved_edit": {
        "vi": "✅ Đã lưu phiên bản {v} của {id}. Bot trả lời bằng nội dung mới ngay từ bây giờ.",
        "en": "✅ Version {v} of {id} saved. The bot answers with it from now on.",
    },
    "adm_saved_hide": {
        "vi": "✅ Đã ẩn {id} (phiên bản {v}). Có thể khôi phục trong \"Câu trả lời đang ẩn\".",
        "en": "✅ {id} hidden (version {v}). Restore it from \"Hidden entries\".",
    },
    "adm_saved_restore": {
        "vi": "✅ Đã khôi phục {id} (phiên bản {v}).",
        "en": "✅ {id} restored (version {v}).",
    },
    "adm_saved_rollback": {
        "vi": "✅ Đã quay về nội dung cũ của {id}, lưu thành phiên bản {v}.",
        "en": "✅ {id} rolled back, saved as version {v}.",
    },
    "adm_v_file": {"vi": "bản trong tệp YAML", "en": "as in the YAML file"},
    "adm_v_chat": {"vi": "phiên bản {v} (sửa từ chat)", "en": "version {v} (edited in the chat)"},
    "adm_v_overrides": {
        "vi": "Bản sửa từ chat đang thay cho bản trong tệp YAML.",
        "en": "The chat version is used instead of the YAML file's.",
    },
    "adm_v_hidden": {
        "vi": "🙈 ĐANG ẨN: bot không dùng câu trả lời này.",
        "en": "🙈 HIDDEN: the bot does not use it.",
    },
    "adm_edit_phrasings": {"vi": "✏️ Câu hỏi", "en": "✏️ Questions"},
    "adm_edit_answer": {"vi": "✏️ Trả lời (tiếng Việt)", "en": "✏️ Answer (Vietnamese)"},
    "adm_edit_answer_en": {"vi": "✏️ Trả lời (tiếng Anh)", "en": "✏️ Answer (English)"},
    "adm_edit_topic": {"vi": "✏️ Chủ đề", "en": "✏️ Topic"},
    "adm_hide": {"vi": "🙈 Ẩn", "en": "🙈 Hide"},
    "adm_restore": {"vi": "♻️ Khôi phục", "en": "♻️ Restore"},
    "adm_history": {"vi": "🕘 Lịch sử", "en": "🕘 History"},
    "adm_history_title": {"vi": "Lịch sử thay đổi của {id}:", "en": "History of {id}:"},
    "adm_history_none": {"vi": "Chưa có thay đổi nào từ chat.", "en": "No changes from the chat yet."},
    "adm_rollback_to": {"vi": "↩️ Quay về v{v}", "en": "↩️ Back to v{v}"},
    "adm_hidden_title": {"vi": "Các câu trả lời đang ẩn:", "en": "Hidden entries:"},
    "adm_hidden_none": {"vi": "Không có câu trả lời nào đang ẩn.", "en": "No entry is hidden."},
    "adm_audit_title": {"vi": "Nhật ký quản trị (mới nhất trước):", "en": "Audit log (newest first):"},
    "adm_audit_empty": {"vi": "Chưa có thao tác quản trị nào.", "en": "No administrator actions yet."},
    "adm_act_add": {"vi": "thêm mới", "en": "added"},
    "adm_act_edit": {"vi": "sửa", "en": "edited"},
    "adm_act_hide": {"vi": "ẩn", "en": "hidden"},
    "adm_act_restore": {"vi": "khôi phục", "en": "restored"},
    "adm_act_rollback": {"vi": "quay về bản cũ", "en": "rolled back"},
    "adm_act_save_refused": {
        "vi": "lưu bị từ chối (có người sửa trước)",
        "en": "save refused (changed meanwhile)",
    },
    "adm_err_topic": {
        "vi": "chủ đề \"{topic}\" không có trong danh sách chủ đề",
        "en": "unknown topic \"{topic}\"",
    },
    "adm_err_source": {
        "vi": "nguồn \"{source}\" không có trong danh sách nguồn",
        "en": "unknown source \"{source}\"",
    },
    "adm_err_no_source": {"vi": "cần chọn ít nhất một nguồn", "en": "at least one source is needed"},
    "adm_err_contact": {
        "vi": "cơ quan liên hệ \"{contact}\" không còn",
        "en": "unknown contact \"{contact}\"",
    },
    "adm_err_empty_answer": {"vi": "câu trả lời đang để trống", "en": "the answer is empty"},
    "adm_err_long_answer": {
        "vi": "câu trả lời dài {n} ký tự; tối đa {max} ký tự để vừa một tin nhắn",
        "en": "the answer has {n} characters; at most {max} fit in one message",
    },
    "adm_err_no_words": {"vi": "\"{q}\" không có chữ nào", "en": "\"{q}\" has no words"},
    "adm_err_long_phrasing": {
        "vi": "câu hỏi \"{q}…\" dài quá {max} ký tự",
        "en": "the question \"{q}…\" is longer than {max} characters",
    },
    "adm_err_taken": {
        "vi": ("câu hỏi \"{q}\" đã thuộc câu trả lời khác ({entry}); hãy sửa câu trả lời đó "
               "hoặc viết cách hỏi khác"),
        "en": ("the question \"{q}\" already belongs to another entry ({entry}); edit that one "
               "or word it differently"),
    },
    "adm_err_no_phrasing": {
        "vi": "cần ít nhất một câu hỏi tiếng Việt",
        "en": "at least one Vietnamese question is needed",
    },
    "adm_err_not_there": {
        "vi": "không có câu hỏi \"{q}\" để bỏ (gõ dấu trừ và số thứ tự, ví dụ -3)",
        "en": "there is no question \"{q}\" to remove (type a minus and its number, e.g. -3)",
    },
    "adm_queue": {"vi": "📥 Hàng chờ xem xét", "en": "📥 Review queue"},
    "adm_queue_title": {
        "vi": "Hàng chờ: {n} nhóm câu hỏi ({items} lượt) bot chưa trả lời được hoặc bị đánh giá 👎. "
              "Hỏi nhiều nhất trước:",
        "en": "Queue: {n} groups of questions ({items} in all) the bot could not answer or that were "
              "rated 👎. Most asked first:",
    },
    "adm_queue_empty": {"vi": "Hàng chờ đang trống. 🎉", "en": "The review queue is empty. 🎉"},
    "adm_queue_gone": {
        "vi": "Câu hỏi này không còn trong hàng chờ (đã có người xử lý).",
        "en": "This question is no longer in the queue (someone has dealt with it).",
    },
    "adm_queue_dismissed": {"vi": "Đã bỏ qua nhóm câu hỏi đó.", "en": "That group was dismissed."},
    "adm_q_unanswered": {"vi": "bot chưa trả lời được", "en": "the bot could not answer"},
    "adm_q_disliked": {"vi": "bị đánh giá 👎 cho câu trả lời {id}", "en": "rated 👎 for the answer {id}"},
    "adm_q_view": {
        "vi": "Câu hỏi: {text}\nSố lượt: {n} ({kind})",
        "en": "Question: {text}\nTimes asked: {n} ({kind})",
    },
    "adm_q_suggest": {
        "vi": "Có thể thêm câu này làm một cách hỏi của câu trả lời gợi ý bên dưới:",
        "en": "It could become a phrasing of one of the suggested entries below:",
    },
    "adm_q_add_to": {"vi": "➕ Thêm vào: {title}", "en": "➕ Add to: {title}"},
    "adm_q_new": {"vi": "🆕 Tạo câu trả lời mới", "en": "🆕 Create a new entry"},
    "adm_q_reply": {"vi": "✉️ Trả lời trực tiếp người hỏi", "en": "✉️ Answer the person directly"},
    "adm_q_dismiss": {"vi": "🗑️ Bỏ qua", "en": "🗑️ Dismiss"},
    "adm_ask_reply": {
        "vi": "Gõ câu trả lời gửi cho {n} người đã hỏi: \"{question}\"",
        "en": "Type the answer to send to the {n} person(s) who asked: \"{question}\"",
    },
    "adm_preview_reply": {
        "vi": "Sẽ gửi tới {n} người đã hỏi \"{question}\":\n\n{text}",
        "en": "To be sent to the {n} person(s) who asked \"{question}\":\n\n{text}",
    },
    "adm_send": {"vi": "✅ Gửi", "en": "✅ Send"},
    "adm_keep": {"vi": "Giữ nguyên", "en": "Keep as is"},
    "adm_ask_phrasings_more": {
        "vi": "Đã có các câu hỏi:\n{current}\n\nGõ thêm cách hỏi khác (mỗi dòng một câu), hoặc chọn "
              "\"Giữ nguyên\".",
        "en": "Questions so far:\n{current}\n\nType more ways of asking (one per line), or choose "
              "\"Keep as is\".",
    },
    "adm_to_citizen": {
        "vi": "Cán bộ phụ trách trả lời câu hỏi của bạn: \"{question}\"\n\n{text}",
        "en": "An official has answered your question: \"{question}\"\n\n{text}",
    },
    "adm_replied": {
        "vi": "Đã gửi câu trả lời; câu hỏi đã rời hàng chờ. Bạn có muốn lưu nội dung này thành câu trả lời "
              "của bot để lần sau bot tự trả lời?",
        "en": "The answer was sent and the question left the queue. Turn it into an entry so the bot "
              "answers it next time?",
    },
    "adm_make_entry": {"vi": "🆕 Lưu thành câu trả lời của bot", "en": "🆕 Turn it into an entry"},
    "adm_delivered": {
        "vi": "Đã chuyển tới: {ok} người; không chuyển được: {failed}.",
        "en": "Delivered to: {ok}; could not deliver: {failed}.",
    },
    "adm_reload": {"vi": "🔄 Tải lại tệp dữ liệu", "en": "🔄 Reload the data files"},
    "adm_reload_failed": {
        "vi": "❌ Không tải lại được: tệp dữ liệu có {n} lỗi. Bot vẫn dùng nội dung đang chạy. Cần sửa:",
        "en": "❌ Not reloaded: the data files have {n} problem(s). The bot keeps the running content. "
              "To fix:",
    },
    "adm_reload_ok": {
        "vi": "✅ Đã tải lại tệp dữ liệu: bot đang dùng {n} câu trả lời.",
        "en": "✅ Data files reloaded: the bot now uses {n} entries.",
    },
    "adm_act_reload": {"vi": "tải lại tệp dữ liệu", "en": "reloaded the files"},
    "adm_act_reload_failed": {"vi": "tải lại thất bại (tệp có lỗi)", "en": "reload refused (file errors)"},
    "adm_act_queue_reply": {"vi": "trả lời trực tiếp người hỏi", "en": "answered a person directly"},
    "adm_act_queue_dismiss": {"vi": "bỏ qua câu hỏi trong hàng chờ", "en": "dismissed a queued question"},
    "adm_inbox": {"vi": "💬 Hộp thư góp ý", "en": "💬 Feedback inbox"},
    "adm_inbox_title": {"vi": "Góp ý chưa xử lý (mới nhất trước):", "en": "Open feedback (newest first):"},
    "adm_inbox_empty": {"vi": "Không có góp ý nào chờ xử lý.", "en": "No feedback is waiting."},
    "adm_inbox_gone": {"vi": "Không tìm thấy góp ý này.", "en": "That feedback was not found."},
    "adm_inbox_view": {
        "vi": "Góp ý {ref} ({when}):\n\n{text}\n\nHọ tên: {name}\nE-mail: {email}",
        "en": "Feedback {ref} ({when}):\n\n{text}\n\nName: {name}\nE-mail: {email}",
    },
    "adm_inbox_replied": {"vi": "Đã trả lời:\n{text}", "en": "Replied:\n{text}"},
    "adm_inbox_reply": {"vi": "✉️ Trả lời người góp ý", "en": "✉️ Reply"},
    "adm_inbox_close": {"vi": "✔️ Đã xử lý", "en": "✔️ Mark as done"},
    "adm_inbox_closed": {"vi": "Đã đánh dấu {ref} là đã xử lý.", "en": "{ref} marked as done."},
    "adm_ask_fbreply": {
        "vi": "Gõ nội dung trả lời góp ý {question}; người góp ý sẽ nhận được trong bot.",
        "en": "Type your reply to feedback {question}; the person receives it in the bot.",
    },
    "adm_preview_fbreply": {
        "vi": "Sẽ gửi trả lời góp ý {question}:\n\n{text}",
        "en": "Reply to feedback {question}, to be sent:\n\n{text}",
    },
    "adm_fb_to_citizen": {
        "vi": "Trả lời góp ý {ref} của bạn từ cán bộ phụ trách:\n\n{text}",
        "en": "An official has replied to your feedback {ref}:\n\n{text}",
    },
    "adm_fb_replied": {"vi": "Đã gửi trả lời góp ý {ref}.", "en": "The reply to {ref} was sent."},
    "adm_stats": {"vi": "📊 Thống kê", "en": "📊 Statistics"},
    "adm_stats_head": {
        "vi": "📊 Câu hỏi: hôm nay {today} · 7 ngày {week} · 30 ngày {month}",
        "en": "📊 Questions: today {today} · 7 days {week} · 30 days {month}",
    },
    "adm_stats_outcomes": {
        "vi": "30 ngày qua: trả lời được {answer} · hỏi lại {clarify} · chưa trả lời được {fallback} · "
              "chào hỏi {smalltalk}",
        "en": "Last 30 days: answered {answer} · clarified {clarify} · fallback {fallback} · "
              "small talk {smalltalk}",
    },
    "adm_stats_top": {"vi": "Được hỏi nhiều nhất:", "en": "Most asked:"},
    "adm_stats_unanswered": {"vi": "Chưa trả lời được, hỏi nhiều nhất:", "en": "Unanswered, most asked:"},
    "adm_stats_ratings": {
        "vi": "Đánh giá 30 ngày: 👍 {up} · 👎 {down}",
        "en": "Ratings, 30 days: 👍 {up} · 👎 {down}",
    },
    "adm_stats_other": {
        "vi": "Góp ý mới: {feedback} · Người đăng ký nhận thông báo: {subscribers}",
        "en": "New feedback: {feedback} · Subscribed to announcements: {subscribers}",
    },
    "adm_broadcast": {"vi": "📢 Gửi thông báo", "en": "📢 Send an announcement"},
    "adm_ask_broadcast": {
        "vi": "Gõ nội dung thông báo gửi tới {n} người đã đăng ký nhận tin (/dangky).",
        "en": "Type the announcement for the {n} people who subscribed (/dangky).",
    },
    "adm_preview_broadcast": {
        "vi": "Sẽ gửi thông báo sau tới {n} người đã đăng ký:\n\n{text}",
        "en": "This announcement will go to {n} subscribers:\n\n{text}",
    },
    "adm_announcement": {"vi": "📢 Thông báo:\n\n{text}\n\n(Gõ /huydangky để ngừng nhận thông báo.)",
                         "en": "📢 Announcement:\n\n{text}\n\n(Type /huydangky to stop announcements.)"},
    "adm_broadcast_done": {
        "vi": "Đã gửi thông báo tới {n} người đăng ký.",
        "en": "Announcement sent to {n} subscribers.",
    },
    "adm_notify_question": {
        "vi": "📥 Có câu hỏi mới bot chưa trả lời được: \"{text}\". Xem hàng chờ: /admin",
        "en": "📥 A new question the bot could not answer: \"{text}\". Review queue: /admin",
    },
    "adm_notify_feedback": {
        "vi": "💬 Góp ý mới {ref}: \"{text}\". Hộp thư góp ý: /admin",
        "en": "💬 New feedback {ref}: \"{text}\". Feedback inbox: /admin",
    },
    "adm_digest": {
        "vi": "🗓️ Tóm tắt hằng ngày của bot hỏi đáp Kế hoạch 119. Xem chi tiết: /admin",
        "en": "🗓️ Daily digest of the Plan 119 bot. Details: /admin",
    },
    "adm_chart_legend": {
        "vi": "Biểu đồ: số câu hỏi mỗi ngày trong 30 ngày qua (cột cao nhất là ngày nhiều nhất). "
              "Xanh lá: trả lời được · vàng: hỏi lại · xám: chào hỏi · đỏ: chưa trả lời được.",
        "en": "Chart: questions per day over the last 30 days (the tallest bar is the busiest day). "
              "Green: answered · amber: clarified · grey: small talk · red: not answered.",
    },
    "adm_before": {"vi": "Trước", "en": "Before"},
    "adm_after": {"vi": "Sau", "en": "After"},
    "adm_undo": {"vi": "↩️ Hoàn tác", "en": "↩️ Undo"},
    "adm_progress": {"vi": "Đang gửi… {done}/{total}", "en": "Sending… {done}/{total}"},
    "adm_files": {"vi": "📤 Xuất / 📥 Nhập dữ liệu", "en": "📤 Export / 📥 Import"},
    "adm_files_text": {
        "vi": ("Xuất toàn bộ câu trả lời thành tệp CSV (mở bằng Excel) hoặc YAML. Để nhập, sửa tệp rồi "
               "gửi lại tệp .csv hoặc .yaml cho bot: bot kiểm tra, cho xem trước những gì thay đổi và chỉ "
               "áp dụng khi bạn xác nhận. Câu trả lời không có trong tệp nhập sẽ bị ẩn (khôi phục được)."),
        "en": ("Export every entry as CSV (opens in Excel) or YAML. To import, edit the file and send the "
               ".csv or .yaml back to the bot: it checks it, previews what changes and applies it only when "
               "you confirm. Entries missing from an imported file are hidden (restorable)."),
    },
    "adm_export_csv": {"vi": "📄 Xuất CSV (Excel)", "en": "📄 Export CSV (Excel)"},
    "adm_export_yaml": {"vi": "📄 Xuất YAML", "en": "📄 Export YAML"},
    "adm_exported": {
        "vi": "Tệp gồm {n} câu trả lời đang dùng.",
        "en": "The file holds the {n} entries in use.",
    },
    "adm_import_problems": {
        "vi": "Tệp có {n} lỗi nên chưa nhập gì. Bạn sửa rồi gửi lại nhé:",
        "en": "The file has {n} problem(s), so nothing was imported. Please fix them and send it again:",
    },
    "adm_import_more": {"vi": "… và {n} lỗi khác.", "en": "… and {n} more."},
    "adm_import_nothing": {
        "vi": "Tệp hợp lệ và giống hệt nội dung bot đang dùng: không có gì thay đổi.",
        "en": "The file is valid and identical to what the bot uses: nothing changes.",
    },
    "adm_import_summary": {
        "vi": "Nhập tệp {name}: thêm {added}, sửa {changed}, ẩn {hidden}, khôi phục {restored}.",
        "en": "Import of {name}: {added} added, {changed} changed, {hidden} hidden, {restored} restored.",
    },
    "adm_import_added": {"vi": "Thêm", "en": "Added"},
    "adm_import_changed": {"vi": "Sửa", "en": "Changed"},
    "adm_import_restored": {"vi": "Khôi phục", "en": "Restored"},
    "adm_import_hidden": {"vi": "Ẩn (không có trong tệp)", "en": "Hidden (not in the file)"},
    "adm_import_conflict": {
        "vi": "Chưa nhập: câu trả lời {id} vừa được thay đổi trong lúc bạn xem trước. Bạn gửi lại tệp để xem "
              "thay đổi mới nhất nhé.",
        "en": "Not imported: entry {id} changed while you were previewing. Send the file again to see the "
              "latest differences.",
    },
    "adm_import_done": {
        "vi": "✅ Đã nhập: {n} câu trả lời thay đổi, áp dụng ngay. Mỗi thay đổi có trong lịch sử "
              "để quay lại.",
        "en": "✅ Imported: {n} entries changed, live now. Each change is in the history "
              "and can be rolled back.",
    },
    "adm_act_export": {"vi": "xuất dữ liệu", "en": "exported"},
    "adm_act_import": {"vi": "nhập dữ liệu", "en": "imported"},
    "adm_act_import_add": {"vi": "thêm (nhập tệp)", "en": "added (import)"},
    "adm_act_import_edit": {"vi": "sửa (nhập tệp)", "en": "edited (import)"},
    "adm_act_import_hide": {"vi": "ẩn (nhập tệp)", "en": "hidden (import)"},
    "imp_row": {"vi": "dòng {n}", "en": "row {n}"},
    "imp_entry": {"vi": "mục {n}", "en": "entry {n}"},
    "imp_columns": {"vi": "tệp CSV thiếu cột: {columns}", "en": "the CSV file lacks the columns: {columns}"},
    "imp_yaml": {
        "vi": "dòng {line}: tệp YAML không đúng cú pháp ({problem})",
        "en": "line {line}: not valid YAML ({problem})",
    },
    "imp_no_list": {
        "vi": "tệp YAML phải có danh sách 'entries:'",
        "en": "the YAML file needs a list under 'entries:'",
    },
    "imp_not_mapping": {"vi": "{where}: không đúng định dạng một câu trả lời", "en": "{where}: not an entry"},
    "imp_too_large": {"vi": "tệp lớn hơn {mb} MB", "en": "the file is larger than {mb} MB"},
    "imp_not_utf8": {
        "vi": "tệp không ở dạng UTF-8 (trong Excel: Lưu thành → CSV UTF-8)",
        "en": "the file is not UTF-8 (in Excel: Save As → CSV UTF-8)",
    },
    "imp_type": {
        "vi": "chỉ nhập được tệp .csv hoặc .yaml",
        "en": "only .csv and .yaml files can be imported",
    },
    "imp_no_id": {"vi": "thiếu mã (id)", "en": "the id is empty"},
    "imp_dup_id": {"vi": "mã (id) bị lặp", "en": "the id appears twice"},
    "imp_date": {"vi": "as_of phải là ngày dạng YYYY-MM-DD", "en": "as_of must be a date YYYY-MM-DD"},
    "adm_act_broadcast": {"vi": "gửi thông báo", "en": "sent an announcement"},
    "adm_act_feedback_reply": {"vi": "trả lời góp ý", "en": "replied to feedback"},
    "adm_act_feedback_close": {"vi": "đóng góp ý", "en": "closed feedback"},
    "cmd_dangky": {"vi": "Đăng ký nhận thông báo", "en": "Subscribe to announcements"},
    "cmd_huydangky": {"vi": "Hủy đăng ký nhận thông báo", "en": "Stop announcements"},
    "subscribed": {
        "vi": "Bạn đã đăng ký nhận thông báo về Kế hoạch 119. Gõ /huydangky để hủy bất cứ lúc nào.",
        "en": "You will receive announcements about Plan 119. Type /huydangky to stop at any time.",
    },
    "unsubscribed": {
        "vi": "Bạn đã hủy đăng ký; bot sẽ không gửi thông báo cho bạn nữa.",
        "en": "Unsubscribed: the bot will not send you announcements any more.",
    },
}


def t(key: str, lang: str, **kwargs: str) -> str:
    text = TEXTS[key].get(lang) or TEXTS[key]["vi"]
    return text.format(**kwargs) if kwargs else text
