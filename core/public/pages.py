"""The public pages, in Chinese and English: plain HTML, every value escaped.

No template engine: a handful of small pages, each a function. Style and script are
served from fixed strings (`CSS`, `STATUS_JS`), so the Content-Security-Policy can
forbid inline script and every other origin. Pages fit a 360 px wide phone: one
column, nothing wider than the screen.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from core.public.commands import COMMUNITY_CATEGORIES, REPORT_ADDRESS_MAX, REPORT_TEXT_MAX
from core.public.status import RESIDENT_STATUSES, STATUS_TEXTS

LANGS = ("zh-CN", "en")

T: dict[str, dict[str, str]] = {
    "zh-CN": {
        "title": "Beacon 公众服务", "lookup_h": "查询报告进度",
        "lookup_help": "请输入接警员告诉您的报告编号，例如 7KQ2-M9XD-4T1。",
        "code": "报告编号", "look_up": "查询", "status_h": "您的报告",
        "updated": "此页面会自动更新。", "report_h": "报告社区问题（非紧急）",
        "report_help": "如消防通道堵塞、路灯损坏。紧急情况请拨打 119 / 120 / 110。",
        "report_link": "报告社区问题", "category": "类别", "text": "情况说明",
        "address": "地址", "cell": "或选择网格", "cell_none": "（按地址确定）",
        "send": "提交", "thanks_h": "已收到您的报告",
        "thanks": "报告已转交网格员处理，编号：", "home": "返回首页",
        "bad_code": "编号格式不对：", "code_empty": "请输入接警员告诉您的报告编号",
        "code_too_long": "编号太长", "code_symbols": "编号中不会有“{symbols}”",
        "code_length": "编号有 {want} 个字母和数字，您输入了 {got} 个",
        "code_typo": "编号有输入错误，请核对后重试",
        "unknown_code": "没有找到这个编号的报告。请核对后重试。",
        "rate_limited": "请求太频繁，请稍后再试。",
        "too_large": "提交的内容太长。", "malformed": "无法读取提交的内容。",
        "not_found": "页面不存在。", "invalid_report": "报告未能提交：",
        "no_city": "服务尚未配置城市，暂不能接收报告。",
        "unknown_cell": "没有这个网格。", "unknown_address": "找不到这个地址，请选择网格。",
        "no_place": "请填写地址或选择网格。", "text_required": "请填写情况说明。",
        "emergency": "紧急情况请直接拨打 119（火警）、120（急救）、110（报警）。",
        "cat_blocked_fire_lane": "消防通道堵塞", "cat_streetlight": "路灯损坏",
        "cat_hazard": "安全隐患", "cat_broken_hydrant": "消火栓损坏", "cat_other": "其他",
        "lang_other": "English",
        "notices_h": "公共安全通知", "notices_help": "查看您所在网格当前生效的预警和通知。",
        "notices_cell": "您所在的网格", "notices_all": "全部网格", "notices_show": "查看通知",
    },
    "en": {
        "title": "Beacon public service", "lookup_h": "Follow your report",
        "lookup_help": "Type the code the call-taker gave you, e.g. 7KQ2-M9XD-4T1.",
        "code": "Report code", "look_up": "Look up", "status_h": "Your report",
        "updated": "This page updates itself.", "report_h": "Report a community problem "
        "(not an emergency)",
        "report_help": "A blocked fire lane, a broken streetlight. In an emergency call "
        "119 / 120 / 110.",
        "report_link": "Report a community problem", "category": "Category",
        "text": "What is wrong", "address": "Address", "cell": "or choose your grid cell",
        "cell_none": "(from the address)", "send": "Send", "thanks_h": "Report received",
        "thanks": "Your report went to the grid worker. Its number: ", "home": "Home",
        "bad_code": "That code is not right: ",
        "code_empty": "type the reference code you were given",
        "code_too_long": "that is too long for a reference code",
        "code_symbols": "a reference code has no '{symbols}'",
        "code_length": "a reference code has {want} letters and digits, this has {got}",
        "code_typo": "it has a typing mistake: check it and try again",
        "unknown_code": "No report has this code. Check it and try again.",
        "rate_limited": "Too many requests. Please wait a little and try again.",
        "too_large": "What you sent is too long.", "malformed": "What you sent could not "
        "be read.", "not_found": "There is no such page.",
        "invalid_report": "The report was not sent: ",
        "no_city": "The service has no city yet and cannot take reports.",
        "unknown_cell": "There is no such grid cell.",
        "unknown_address": "That address is not known: choose your grid cell.",
        "no_place": "Give an address or choose your grid cell.",
        "text_required": "Say what is wrong.",
        "emergency": "In an emergency call 119 (fire), 120 (ambulance), 110 (police).",
        "cat_blocked_fire_lane": "Blocked fire lane", "cat_streetlight": "Broken streetlight",
        "cat_hazard": "Hazard", "cat_broken_hydrant": "Broken hydrant", "cat_other": "Other",
        "lang_other": "中文",
        "notices_h": "Public safety notices",
        "notices_help": "Warnings and notices in force where you are.",
        "notices_cell": "Your grid cell", "notices_all": "All grid cells",
        "notices_show": "Show notices",
    },
}

CSS = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;color:#1a1a1a;
background:#f4f5f7;overflow-wrap:anywhere}
header{background:#12355b;color:#fff;padding:12px 16px;display:flex;
justify-content:space-between;align-items:center;gap:8px}
header a{color:#fff}
header h1{font-size:18px;margin:0}
main{max-width:640px;margin:0 auto;padding:12px 16px}
section{background:#fff;border-radius:8px;padding:16px;margin:12px 0;
box-shadow:0 1px 2px rgba(0,0,0,.12)}
h2{font-size:18px;margin:0 0 8px}
label{display:block;font-weight:600;margin:10px 0 4px}
input,select,textarea{width:100%;max-width:100%;font:inherit;padding:10px;
border:1px solid #8a94a6;border-radius:6px;background:#fff}
textarea{min-height:96px}
button{margin-top:12px;width:100%;padding:12px;font:inherit;font-weight:600;color:#fff;
background:#1f6feb;border:0;border-radius:6px}
.note{color:#4a5568;font-size:14px}
.error{background:#fdecea;color:#8a1c12;border-left:4px solid #c0392b}
.steps{list-style:none;padding:0;margin:8px 0}
.steps li{padding:10px 12px;margin:6px 0;border-radius:6px;background:#eef1f5;color:#667}
.steps li.done{background:#e3f2e8;color:#1e5631}
.steps li.now{background:#1f6feb;color:#fff;font-weight:700}
.big{font-size:22px;font-weight:700;margin:4px 0}
.code{font-family:ui-monospace,monospace;letter-spacing:1px}
"""

STATUS_JS = """
(function(){
  var box=document.getElementById('status');
  if(!box){return;}
  var url=box.getAttribute('data-json'), every=+box.getAttribute('data-every')*1000;
  function tick(){
    fetch(url,{cache:'no-store',credentials:'same-origin'}).then(function(r){
      return r.ok?r.json():null;}).then(function(d){
      if(!d){return;}
      box.setAttribute('data-status',d.status);
      document.getElementById('status-label').textContent=d.label;
      document.getElementById('status-text').textContent=d.text;
      var items=document.querySelectorAll('.steps li');
      for(var i=0;i<items.length;i++){
        var n=items[i].getAttribute('data-step')|0;
        items[i].className=n<d.step?'done':(n===d.step?'now':'');
      }
      // A resolved report changes no more: stop asking.
      if(d.status==='resolved'){every=0;}
    }).catch(function(){}).then(function(){if(every){setTimeout(tick,every);}});
  }
  setTimeout(tick,every);
})();
"""


def code_problem(lang: str, problem: object) -> str:
    """A `core.public.refcode.CodeProblem` said in `lang`, after "That code is not right"."""
    key = getattr(problem, "key", "typo")
    params = getattr(problem, "params", {})
    return T[lang]["bad_code"] + T[lang]["code_" + key].format(**params)


def _page(lang: str, title: str, body: str, *, switch_query: dict[str, str] | None = None,
          path: str = "/", script: bool = False) -> str:
    t = T[lang]
    other = "en" if lang == "zh-CN" else "zh-CN"
    query = urlencode({**(switch_query or {}), "lang": other})
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/static/public.css">'
        + ('<script src="/static/status.js" defer></script>' if script else "")
        + f'</head><body><header><h1><a href="/">{escape(t["title"])}</a></h1>'
        f'<a id="lang-switch" href="{escape(path)}?{escape(query)}" hreflang="{other}">'
        f'{escape(t["lang_other"])}</a></header><main>{body}</main></body></html>')


def _error(lang: str, message: str) -> str:
    return f'<section class="error" id="error" role="alert">{escape(message)}</section>'


def _lookup_form(lang: str, code: str = "") -> str:
    t = T[lang]
    return (f'<section><h2>{escape(t["lookup_h"])}</h2><p class="note">'
            f'{escape(t["lookup_help"])}</p><form method="get" action="/report">'
            f'<label for="code">{escape(t["code"])}</label>'
            f'<input id="code" name="code" value="{escape(code)}" autocomplete="off" '
            'autocapitalize="characters" spellcheck="false" maxlength="20" required>'
            f'<input type="hidden" name="lang" value="{lang}">'
            f'<button id="look-up" type="submit">{escape(t["look_up"])}</button></form>'
            '</section>')


def _notices_form(lang: str, cells: list[tuple[str, str]]) -> str:
    """A cell to choose, opening the notices page (`/notices?cell=`) for it."""
    t = T[lang]
    options = f'<option value="">{escape(t["notices_all"])}</option>' + "".join(
        f'<option value="{escape(code)}">{escape(code)} {escape(name)}</option>'
        for code, name in cells)
    return (f'<section><h2>{escape(t["notices_h"])}</h2><p class="note">'
            f'{escape(t["notices_help"])}</p>'
            '<form method="get" action="/notices" id="notices-form">'
            f'<label for="notice-cell">{escape(t["notices_cell"])}</label>'
            f'<select id="notice-cell" name="cell">{options}</select>'
            f'<button id="show-notices" type="submit">{escape(t["notices_show"])}</button>'
            '</form></section>')


def home_page(lang: str, error: str = "", code: str = "",
              cells: list[tuple[str, str]] | None = None) -> str:
    """The front page: look up a report, see the notices for a grid cell (`cells`:
    (code, name) of the city's cells), or go to the community report form."""
    t = T[lang]
    body = ((_error(lang, error) if error else "") + _lookup_form(lang, code)
            + _notices_form(lang, cells or [])
            + f'<section><h2>{escape(t["report_h"])}</h2><p class="note">'
            f'{escape(t["report_help"])}</p><p><a id="report-link" href="/community?lang='
            f'{lang}">{escape(t["report_link"])}</a></p></section>'
            f'<p class="note">{escape(t["emergency"])}</p>')
    return _page(lang, t["title"], body)


def status_payload(lang: str, status: str) -> dict[str, object]:
    """What the status page and its JSON say of a status, in `lang`."""
    label, text = STATUS_TEXTS[status][lang]
    return {"status": status, "step": RESIDENT_STATUSES.index(status), "label": label,
            "text": text}


def status_page(lang: str, code: str, status: str, refresh_seconds: float) -> str:
    """A report's status: four steps, the current one marked; polls for changes."""
    t = T[lang]
    info = status_payload(lang, status)
    step = int(info["step"])  # type: ignore[call-overload]
    items = "".join(
        f'<li data-step="{n}" class="{"done" if n < step else "now" if n == step else ""}">'
        f'{escape(STATUS_TEXTS[s][lang][0])}</li>' for n, s in enumerate(RESIDENT_STATUSES))
    json_url = "/report.json?" + urlencode({"code": code, "lang": lang})
    body = (f'<section id="status" data-status="{status}" data-json="{escape(json_url)}" '
            f'data-every="{refresh_seconds:g}"><h2>{escape(t["status_h"])} '
            f'<span class="code">{escape(code)}</span></h2>'
            f'<p class="big" id="status-label">{escape(str(info["label"]))}</p>'
            f'<p id="status-text">{escape(str(info["text"]))}</p>'
            f'<ol class="steps">{items}</ol><p class="note">{escape(t["updated"])}</p>'
            f'</section><p class="note">{escape(t["emergency"])}</p>'
            f'<p><a href="/?lang={lang}">{escape(t["home"])}</a></p>')
    return _page(lang, t["title"], body, switch_query={"code": code}, path="/report",
                 script=True)


def community_form(lang: str, cells: list[tuple[str, str]], error: str = "",
                   values: dict[str, str] | None = None) -> str:
    """The community report form; `cells` are (code, name) of the city's grid cells."""
    t = T[lang]
    v = values or {}
    categories = "".join(
        f'<option value="{c}"{" selected" if v.get("category") == c else ""}>'
        f'{escape(t["cat_" + c])}</option>' for c in COMMUNITY_CATEGORIES)
    options = f'<option value="">{escape(t["cell_none"])}</option>' + "".join(
        f'<option value="{escape(code)}"{" selected" if v.get("cell") == code else ""}>'
        f'{escape(code)} {escape(name)}</option>' for code, name in cells)
    body = ((_error(lang, error) if error else "")
            + f'<section><h2>{escape(t["report_h"])}</h2><p class="note">'
            f'{escape(t["report_help"])}</p>'
            '<form method="post" action="/community" id="community-form">'
            f'<input type="hidden" name="lang" value="{lang}">'
            f'<label for="category">{escape(t["category"])}</label>'
            f'<select id="category" name="category">{categories}</select>'
            f'<label for="text">{escape(t["text"])}</label>'
            f'<textarea id="text" name="text" maxlength="{REPORT_TEXT_MAX}" required>'
            f'{escape(v.get("text", ""))}</textarea>'
            f'<label for="address">{escape(t["address"])}</label>'
            f'<input id="address" name="address" maxlength="{REPORT_ADDRESS_MAX}" '
            f'value="{escape(v.get("address", ""))}">'
            f'<label for="cell">{escape(t["cell"])}</label>'
            f'<select id="cell" name="cell">{options}</select>'
            f'<button id="send" type="submit">{escape(t["send"])}</button></form></section>')
    return _page(lang, t["report_h"], body, path="/community")


def thanks_page(lang: str, report_id: str, category: str, text: str) -> str:
    """What a resident sees after filing: the report's number and what they wrote."""
    t = T[lang]
    body = (f'<section id="thanks"><h2>{escape(t["thanks_h"])}</h2>'
            f'<p>{escape(t["thanks"])}<strong id="report-id">{escape(report_id)}</strong></p>'
            f'<p><strong>{escape(t["cat_" + category])}</strong></p>'
            f'<p id="report-text">{escape(text)}</p></section>'
            f'<p><a href="/?lang={lang}">{escape(t["home"])}</a></p>')
    return _page(lang, t["thanks_h"], body)


def error_page(lang: str, message: str) -> str:
    """A refusal, said plainly, with the way back."""
    t = T[lang]
    return _page(lang, t["title"], _error(lang, message)
                 + f'<p><a href="/?lang={lang}">{escape(t["home"])}</a></p>')
