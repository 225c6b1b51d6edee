"""UI strings and date formats per language, without locale.setlocale (no global state)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from types import MappingProxyType

_EN = MappingProxyType(
    {
        "months": (
            "January", "February", "March", "April", "May", "June", "July",
            "August", "September", "October", "November", "December",
        ),
        "months_genitive": None,
        "latest": "Latest",
        "archive": "Archive",
        "tags": "Tags",
        "search": "Search",
        "search_placeholder": "Search briefs",
        "search_unavailable": "Search is not available on this build of the site.",
        "skip": "Skip to content",
        "newer": "Newer",
        "older": "Older",
        "related": "Related briefs",
        "tagged": "Tagged",
        "briefs": "briefs",
        "brief_one": "brief",
        "page": "Page",
        "of": "of",
        "min_read": "min read",
        "updated": "Updated",
        "not_found": "Page not found",
        "not_found_text": "There is no page at this address. Try the search, or start from the latest briefs.",
        "feed": "Feed",
        "subscribe": "Subscribe",
        "all_tags": "All tags",
        "from": "from",
        "to": "to",
        "per_month": "Briefs per month",
        "sort_relevance": "Relevance",
        "sort_newest": "Newest first",
        "filter_tag": "Tag",
        "any_tag": "Any tag",
    }
)  # fmt: skip

_HY = MappingProxyType(
    {
        **_EN,
        "months": (
            "հունվար", "փետրվար", "մարտ", "ապրիլ", "մայիս", "հունիս", "հուլիս",
            "օգոստոս", "սեպտեմբեր", "հոկտեմբեր", "նոյեմբեր", "դեկտեմբեր",
        ),
        "months_genitive": (
            "հունվարի", "փետրվարի", "մարտի", "ապրիլի", "մայիսի", "հունիսի", "հուլիսի",
            "օգոստոսի", "սեպտեմբերի", "հոկտեմբերի", "նոյեմբերի", "դեկտեմբերի",
        ),
        "latest": "Վերջինները",
        "archive": "Արխիվ",
        "tags": "Պիտակներ",
        "search": "Որոնում",
        "search_placeholder": "Որոնել",
        "search_unavailable": "Որոնումը հասանելի չէ կայքի այս տարբերակում։",
        "skip": "Անցնել բովանդակությանը",
        "newer": "Ավելի նոր",
        "older": "Ավելի հին",
        "related": "Առնչվող նյութեր",
        "tagged": "Պիտակներ",
        "briefs": "նյութ",
        "brief_one": "նյութ",
        "page": "Էջ",
        "of": "/",
        "min_read": "րոպե ընթերցում",
        "updated": "Թարմացված է",
        "not_found": "Էջը չի գտնվել",
        "not_found_text": "Այս հասցեով էջ չկա։ Փորձեք որոնումը կամ սկսեք վերջին նյութերից։",
        "feed": "Լրահոս",
        "subscribe": "Բաժանորդագրվել",
        "all_tags": "Բոլոր պիտակները",
        "from": "սկսած",
        "to": "մինչև",
        "per_month": "Նյութեր ըստ ամիսների",
        "sort_relevance": "Համապատասխանություն",
        "sort_newest": "Նախ նորերը",
        "filter_tag": "Պիտակ",
        "any_tag": "Ցանկացած պիտակ",
    }
)  # fmt: skip

_RU = MappingProxyType(
    {
        **_EN,
        "months": (
            "январь", "февраль", "март", "апрель", "май", "июнь", "июль",
            "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
        ),
        "months_genitive": (
            "января", "февраля", "марта", "апреля", "мая", "июня", "июля",
            "августа", "сентября", "октября", "ноября", "декабря",
        ),
        "latest": "Последние",
        "archive": "Архив",
        "tags": "Теги",
        "search": "Поиск",
        "search_placeholder": "Искать в сводках",
        "search_unavailable": "Поиск недоступен в этой сборке сайта.",
        "skip": "Перейти к содержанию",
        "newer": "Новее",
        "older": "Старее",
        "related": "Похожие материалы",
        "tagged": "Теги",
        "briefs": "материалов",
        "brief_one": "материал",
        "page": "Страница",
        "of": "из",
        "min_read": "мин чтения",
        "updated": "Обновлено",
        "not_found": "Страница не найдена",
        "not_found_text": "По этому адресу страницы нет. Попробуйте поиск или начните с последних материалов.",
        "feed": "Лента",
        "subscribe": "Подписаться",
        "all_tags": "Все теги",
        "from": "с",
        "to": "по",
        "per_month": "Материалы по месяцам",
        "sort_relevance": "По релевантности",
        "sort_newest": "Сначала новые",
        "filter_tag": "Тег",
        "any_tag": "Любой тег",
    }
)  # fmt: skip

TABLES = {"en": _EN, "hy": _HY, "ru": _RU}
WORDS_PER_MINUTE = 220
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Strings:
    """The strings of one language, with the date formats templates use."""

    language: str
    table: MappingProxyType[str, object]

    def text(self, key: str) -> str:
        value = self.table.get(key)
        return value if isinstance(value, str) else key

    def month_name(self, month: int) -> str:
        months = self.table["months"]
        assert isinstance(months, tuple)
        return str(months[month - 1])

    def format_date(self, moment: dt.datetime, style: str = "long") -> str:
        """'6 August 2025, 06:27' (long), '6 August 2025' (day), 'August 2025' (month), '06:27' (time)."""
        months = self.table["months"]
        genitive = self.table["months_genitive"] or months
        assert isinstance(months, tuple) and isinstance(genitive, tuple)
        day = f"{moment.day} {genitive[moment.month - 1]} {moment.year}"
        if self.language == "en":
            day = f"{months[moment.month - 1]} {moment.day}, {moment.year}"
        time = f"{moment.hour:02d}:{moment.minute:02d}"
        if style == "day":
            return day
        if style == "month":
            return f"{months[moment.month - 1]} {moment.year}"
        if style == "time":
            return time
        return f"{day}, {time}"

    def reading_time(self, html: str) -> int:
        """Minutes to read a body at ~220 words a minute, at least 1."""
        words = len(_TAG.sub(" ", html).split())
        return max(1, round(words / WORDS_PER_MINUTE))


def strings_for(language: str) -> Strings:
    """Strings for a BCP 47 code (hy-AM -> hy); English where a language has no table."""
    base = language.split("-")[0].lower()
    return Strings(base if base in TABLES else "en", TABLES.get(base, _EN))
