"""UI strings and date formats per language, without locale.setlocale (no global state).

Each language is one table holding every key (tests check the tables are complete).
A value is a string, or a tuple of plural forms with `{n}` for t(key, count).
Date patterns use the fields {d} {month} {month_of} {weekday} {y} {time}.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType

from .brief import WORDS_PER_MINUTE, Brief
from .markdown import count_words

Table = MappingProxyType[str, object]

_EN: Table = MappingProxyType(
    {
        "months": (
            "January", "February", "March", "April", "May", "June", "July",
            "August", "September", "October", "November", "December",
        ),
        "months_of": (
            "January", "February", "March", "April", "May", "June", "July",
            "August", "September", "October", "November", "December",
        ),
        "weekdays": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        "date_day": "{month} {d}, {y}",
        "date_weekday": "{weekday}, {month} {d}, {y}",
        "date_month": "{month} {y}",
        "date_long": "{month} {d}, {y}, {time}",
        "latest": "Latest",
        "archive": "Archive",
        "tags": "Tags",
        "search": "Search",
        "search_placeholder": "Search briefs",
        "search_unavailable": "Search is not available on this build of the site.",
        "search_tag": "Tag",
        "search_all_tags": "All tags",
        "search_order": "Order",
        "search_relevance": "Most relevant",
        "search_newest": "Newest first",
        "search_count": "Results:",
        "search_none": "No briefs match.",
        "search_more": "More results",
        "search_needs_js": "Search needs JavaScript.",
        "search_off": "Search unavailable",
        "search_failed": "The search index could not be loaded.",
        "skip": "Skip to content",
        "main_nav": "Sections",
        "newer": "Newer",
        "older": "Older",
        "more_briefs": "More briefs",
        "related": "Related briefs",
        "n_briefs": ("{n} brief", "{n} briefs"),
        "page": "Page",
        "pages": "Pages",
        "of": "of",
        "n_min_read": ("{n} min read",),
        "updated": "Updated",
        "by": "By",
        "source": "Source",
        "not_found": "Page not found",
        "not_found_text": "There is no page at this address. Try the search, or start from the latest briefs.",
        "no_briefs": "No briefs yet: add a Markdown file under content/.",
        "feed": "Feed",
        "atom_feed": "Atom feed",
        "json_feed": "JSON Feed",
        "subscribe": "Subscribe",
        "all_tags": "All tags",
        "per_month": "Briefs per month",
        "months_in": "Months",
    }
)  # fmt: skip

_HY: Table = MappingProxyType(
    {
        "months": (
            "հունվար", "փետրվար", "մարտ", "ապրիլ", "մայիս", "հունիս", "հուլիս",
            "օգոստոս", "սեպտեմբեր", "հոկտեմբեր", "նոյեմբեր", "դեկտեմբեր",
        ),
        "months_of": (
            "հունվարի", "փետրվարի", "մարտի", "ապրիլի", "մայիսի", "հունիսի", "հուլիսի",
            "օգոստոսի", "սեպտեմբերի", "հոկտեմբերի", "նոյեմբերի", "դեկտեմբերի",
        ),
        "weekdays": (
            "երկուշաբթի", "երեքշաբթի", "չորեքշաբթի", "հինգշաբթի", "ուրբաթ", "շաբաթ", "կիրակի",
        ),
        "date_day": "{d} {month_of} {y} թ.",
        "date_weekday": "{weekday}, {d} {month_of} {y} թ.",
        "date_month": "{month} {y} թ.",
        "date_long": "{d} {month_of} {y} թ., {time}",
        "latest": "Վերջինները",
        "archive": "Արխիվ",
        "tags": "Պիտակներ",
        "search": "Որոնում",
        "search_placeholder": "Որոնել",
        "search_unavailable": "Որոնումը հասանելի չէ կայքի այս տարբերակում։",
        "search_tag": "Պիտակ",
        "search_all_tags": "Բոլոր պիտակները",
        "search_order": "Դասավորություն",
        "search_relevance": "Ըստ համապատասխանության",
        "search_newest": "Նորերը՝ առաջինը",
        "search_count": "Արդյունքներ՝",
        "search_none": "Համընկնող ամփոփումներ չկան։",
        "search_more": "Ավելի շատ արդյունքներ",
        "search_needs_js": "Որոնման համար անհրաժեշտ է JavaScript։",
        "search_off": "Որոնումն անհասանելի է",
        "search_failed": "Որոնման ինդեքսը չհաջողվեց բեռնել։",
        "skip": "Անցնել բովանդակությանը",
        "main_nav": "Բաժիններ",
        "newer": "Ավելի նոր",
        "older": "Ավելի հին",
        "more_briefs": "Այլ նյութեր",
        "related": "Առնչվող նյութեր",
        "n_briefs": ("{n} նյութ",),
        "page": "Էջ",
        "pages": "Էջեր",
        "of": "/",
        "n_min_read": ("{n} րոպե ընթերցում",),
        "updated": "Թարմացված է",
        "by": "Հեղինակ՝",
        "source": "Աղբյուր",
        "not_found": "Էջը չի գտնվել",
        "not_found_text": "Այս հասցեով էջ չկա։ Փորձեք որոնումը կամ սկսեք վերջին նյութերից։",
        "no_briefs": "Նյութեր դեռ չկան․ ավելացրեք Markdown ֆայլ content/ թղթապանակում։",
        "feed": "Լրահոս",
        "atom_feed": "Atom լրահոս",
        "json_feed": "JSON լրահոս",
        "subscribe": "Բաժանորդագրվել",
        "all_tags": "Բոլոր պիտակները",
        "per_month": "Նյութեր ըստ ամիսների",
        "months_in": "Ամիսներ",
    }
)  # fmt: skip

_RU: Table = MappingProxyType(
    {
        "months": (
            "январь", "февраль", "март", "апрель", "май", "июнь", "июль",
            "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
        ),
        "months_of": (
            "января", "февраля", "марта", "апреля", "мая", "июня", "июля",
            "августа", "сентября", "октября", "ноября", "декабря",
        ),
        "weekdays": (
            "понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
        ),
        "date_day": "{d} {month_of} {y}",
        "date_weekday": "{weekday}, {d} {month_of} {y}",
        "date_month": "{month} {y}",
        "date_long": "{d} {month_of} {y}, {time}",
        "latest": "Последние",
        "archive": "Архив",
        "tags": "Теги",
        "search": "Поиск",
        "search_placeholder": "Искать в сводках",
        "search_unavailable": "Поиск недоступен в этой сборке сайта.",
        "search_tag": "Тег",
        "search_all_tags": "Все теги",
        "search_order": "Порядок",
        "search_relevance": "По релевантности",
        "search_newest": "Сначала новые",
        "search_count": "Результатов:",
        "search_none": "Ничего не найдено.",
        "search_more": "Ещё результаты",
        "search_needs_js": "Для поиска нужен JavaScript.",
        "search_off": "Поиск недоступен",
        "search_failed": "Не удалось загрузить поисковый индекс.",
        "skip": "Перейти к содержанию",
        "main_nav": "Разделы",
        "newer": "Новее",
        "older": "Старее",
        "more_briefs": "Другие материалы",
        "related": "Похожие материалы",
        "n_briefs": ("{n} материал", "{n} материала", "{n} материалов"),
        "page": "Страница",
        "pages": "Страницы",
        "of": "из",
        "n_min_read": ("{n} мин чтения",),
        "updated": "Обновлено",
        "by": "Автор:",
        "source": "Источник",
        "not_found": "Страница не найдена",
        "not_found_text": "По этому адресу страницы нет. Попробуйте поиск или начните с последних материалов.",
        "no_briefs": "Материалов пока нет: добавьте Markdown-файл в папку content/.",
        "feed": "Лента",
        "atom_feed": "Лента Atom",
        "json_feed": "JSON Feed",
        "subscribe": "Подписаться",
        "all_tags": "Все теги",
        "per_month": "Материалы по месяцам",
        "months_in": "Месяцы",
    }
)  # fmt: skip


def _plural_en(n: int) -> int:
    return 0 if n == 1 else 1


def _plural_ru(n: int) -> int:
    """CLDR: 1 материал, 2 материала, 5 материалов (21 -> one, 12 -> many)."""
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


TABLES: dict[str, Table] = {"en": _EN, "hy": _HY, "ru": _RU}
PLURALS: dict[str, Callable[[int], int]] = {"en": _plural_en, "hy": lambda n: 0, "ru": _plural_ru}


@dataclass(frozen=True)
class Strings:
    """The strings of one language, with the date formats templates use."""

    language: str
    table: Table
    _formatted: dict[tuple[int, int, int, int, int, str], str] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    """format_date's texts by wall-clock minute and style: the same days and times come up
    on page after page."""

    def text(self, key: str, count: int | None = None) -> str:
        """t('archive') -> 'Archive'; t('n_briefs', 3) -> '3 briefs' in the right plural form."""
        value = self.table.get(key)
        if isinstance(value, tuple) and count is not None:
            form = value[min(PLURALS[self.language](count), len(value) - 1)]
            return str(form).format(n=count)
        return value if isinstance(value, str) else key

    def month_name(self, month: int) -> str:
        return str(self._names("months")[month - 1])

    def format_date(self, moment: dt.datetime, style: str = "long") -> str:
        """Styles: long (with time), day, weekday (day with its weekday), month, time."""
        key = (moment.year, moment.month, moment.day, moment.hour, moment.minute, style)
        text = self._formatted.get(key)
        if text is None:
            text = self._formatted[key] = self._format_date(moment, style)
        return text

    def _format_date(self, moment: dt.datetime, style: str) -> str:
        time = f"{moment.hour:02d}:{moment.minute:02d}"
        if style == "time":
            return time
        pattern = self.table[f"date_{style}"]
        assert isinstance(pattern, str)
        return pattern.format(
            d=moment.day,
            y=moment.year,
            month=self._names("months")[moment.month - 1],
            month_of=self._names("months_of")[moment.month - 1],
            weekday=self._names("weekdays")[moment.weekday()],
            time=time,
        )

    def reading_time(self, text: object) -> int:
        """Minutes to read a brief (or HTML) at ~220 words a minute, at least 1.

        Pass the brief (`brief | reading_time`): its word count is computed once at parse
        time; counting a body's HTML on every list page would dominate rendering.
        """
        if isinstance(text, Brief):
            return text.reading_minutes
        return max(1, round(count_words(str(text)) / WORDS_PER_MINUTE))

    def _names(self, key: str) -> tuple[str, ...]:
        names = self.table[key]
        assert isinstance(names, tuple)
        return names


def strings_for(language: str) -> Strings:
    """Strings for a BCP 47 code (hy-AM -> hy); English where a language has no table."""
    base = language.split("-")[0].lower()
    return Strings(base if base in TABLES else "en", TABLES.get(base, _EN))
