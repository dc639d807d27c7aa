"""Name stock for the demo city: pinyin stems with their Chinese, and how to combine them.

Road names follow Chinese usage: a stem plus a kind, e.g. 和平路 "Heping Road". When a
kind runs out of stems, numbered variants follow (和平二路 "Heping 2nd Road").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

# (pinyin, hanzi). No apostrophes or spaces, so a call-taker can type them plainly.
ROAD_STEMS: tuple[tuple[str, str], ...] = (
    ("Heping", "和平"), ("Jiefang", "解放"), ("Renmin", "人民"), ("Zhongshan", "中山"),
    ("Xinhua", "新华"), ("Minzhu", "民主"), ("Wenhua", "文化"), ("Jianshe", "建设"),
    ("Shengli", "胜利"), ("Changjiang", "长江"), ("Huanghe", "黄河"), ("Taishan", "泰山"),
    ("Kunlun", "昆仑"), ("Yanan", "延安"), ("Beijing", "北京"), ("Nanjing", "南京"),
    ("Shanghai", "上海"), ("Guangzhou", "广州"), ("Hangzhou", "杭州"), ("Chengdu", "成都"),
    ("Xiangyang", "向阳"), ("Chaoyang", "朝阳"), ("Dongfeng", "东风"), ("Hongqi", "红旗"),
    ("Gongnong", "工农"), ("Qingnian", "青年"), ("Xueyuan", "学院"), ("Youyi", "友谊"),
    ("Tuanjie", "团结"), ("Guangming", "光明"), ("Xingfu", "幸福"), ("Huaihe", "淮河"),
    ("Zhujiang", "珠江"), ("Songhua", "松花"), ("Lushan", "庐山"), ("Huashan", "华山"),
    ("Hengshan", "衡山"), ("Emei", "峨眉"), ("Tianshan", "天山"), ("Qilian", "祁连"),
    ("Minjiang", "岷江"), ("Hanshui", "汉水"), ("Xiangjiang", "湘江"), ("Ganjiang", "赣江"),
    ("Wenchang", "文昌"), ("Jinxiu", "锦绣"), ("Fuqiang", "富强"), ("Kangle", "康乐"),
    ("Anning", "安宁"), ("Yongan", "永安"), ("Changning", "长宁"), ("Xinglong", "兴隆"),
    ("Longhua", "龙华"), ("Fenghuang", "凤凰"), ("Qilin", "麒麟"), ("Mudan", "牡丹"),
    ("Lianhua", "莲花"), ("Meihua", "梅花"), ("Yinghua", "樱花"), ("Guihua", "桂花"),
    ("Songlin", "松林"), ("Baiyang", "白杨"), ("Yuquan", "玉泉"), ("Jinshui", "金水"),
    ("Qingshui", "清水"), ("Lijiang", "漓江"), ("Taihu", "太湖"), ("Dongting", "洞庭"),
    ("Poyang", "鄱阳"), ("Huaihai", "淮海"), ("Jinling", "金陵"), ("Zijin", "紫金"),
    ("Xuanwu", "玄武"), ("Yuhua", "雨花"), ("Baita", "白塔"), ("Gulou", "鼓楼"),
    ("Zhonghua", "中华"), ("Hexie", "和谐"), ("Chuangxin", "创新"), ("Keji", "科技"),
    ("Tiyu", "体育"), ("Yingbin", "迎宾"), ("Shiji", "世纪"), ("Binhe", "滨河"),
)

# Road kind -> (English suffix, Chinese suffix).
ROAD_KINDS: dict[str, tuple[str, str]] = {
    "avenue": ("Avenue", "大道"),
    "road": ("Road", "路"),
    "street": ("Street", "街"),
    "lane": ("Lane", "巷"),
}

RING_NAMES: dict[str, tuple[str, str]] = {
    "south": ("South Ring Expressway", "南环快速路"),
    "north": ("North Ring Expressway", "北环快速路"),
    "west": ("West Ring Expressway", "西环快速路"),
    "east": ("East Ring Expressway", "东环快速路"),
}

_ORDINAL_EN = ("", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th")
_ORDINAL_ZH = ("", "二", "三", "四", "五", "六", "七", "八", "九")

# Community names: two syllables, 8 x 8 = 64 combinations, e.g. 金园 "Jinyuan".
COMMUNITY_HEADS: tuple[tuple[str, str], ...] = (
    ("Jin", "金"), ("Yu", "玉"), ("Hua", "华"), ("Xin", "新"),
    ("Fu", "富"), ("Kang", "康"), ("Le", "乐"), ("An", "安"),
)
COMMUNITY_TAILS: tuple[tuple[str, str], ...] = (
    ("yuan", "园"), ("lin", "林"), ("hu", "湖"), ("shan", "山"),
    ("qiao", "桥"), ("ting", "亭"), ("cun", "村"), ("tai", "台"),
)

STREET_NAMES: tuple[str, ...] = (
    "Dongmen", "Ximen", "Nanhu", "Beiyuan", "Chengguan", "Wanshou", "Shuangqiao",
    "Qingshan", "Baisha", "Huangpu", "Longtan", "Jiangbei",
)
STREET_NAMES_ZH: dict[str, str] = {
    "Dongmen": "东门", "Ximen": "西门", "Nanhu": "南湖", "Beiyuan": "北苑",
    "Chengguan": "城关", "Wanshou": "万寿", "Shuangqiao": "双桥", "Qingshan": "青山",
    "Baisha": "白沙", "Huangpu": "黄埔", "Longtan": "龙潭", "Jiangbei": "江北",
}

# The Chinese of the demo city's named areas (`core.city.demo_roads`).
AREA_NAMES_ZH: dict[str, str] = {"People's Park": "人民公园", "Qingshui River": "清水河"}
# The demo's own operator (core.centre.ensure_demo_operator), named with the demo city so
# a console in Chinese names it in Chinese too.
DEMO_PEOPLE_ZH: dict[str, str] = {"Demo Dispatcher": "演示调度员"}

# Districts by quadrant of the city, in the order south-west, south-east, north-west,
# north-east (row-major from the south-west origin).
DISTRICT_NAMES: tuple[str, ...] = ("Nanhu", "Xinkai", "Xicheng", "Dongcheng")
DISTRICT_NAMES_ZH: dict[str, str] = {"Nanhu": "南湖", "Xinkai": "新开", "Xicheng": "西城",
                                     "Dongcheng": "东城"}

SURNAMES: tuple[str, ...] = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu",
    "Xu", "Sun", "Hu", "Zhu", "Gao", "Lin", "He", "Guo", "Ma", "Luo",
)
GIVEN_NAMES: tuple[str, ...] = (
    "Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang", "Yong",
    "Yan", "Jie", "Juan", "Tao", "Ming", "Chao", "Xiuying", "Xia", "Ping", "Gang", "Hui",
)


def road_names(kind: str, rng: np.random.Generator) -> Iterator[tuple[str, str]]:
    """Endless distinct (English, Chinese) names of one road kind, in a seeded order."""
    suffix_en, suffix_zh = ROAD_KINDS[kind]
    order = rng.permutation(len(ROAD_STEMS)).tolist()
    for rank in range(len(_ORDINAL_EN)):
        for k in order:
            stem, zh = ROAD_STEMS[k]
            if rank == 0:
                yield f"{stem} {suffix_en}", f"{zh}{suffix_zh}"
            else:
                yield f"{stem} {_ORDINAL_EN[rank]} {suffix_en}", (
                    f"{zh}{_ORDINAL_ZH[rank]}{suffix_zh}"
                )
    raise RuntimeError(f"ran out of {kind} names")  # 9 x 84 names: never in practice


def community_names(count: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """`count` distinct community stems (English, Chinese) in a seeded order."""
    combos = [
        (h + t, hz + tz) for h, hz in COMMUNITY_HEADS for t, tz in COMMUNITY_TAILS
    ]
    order = rng.permutation(len(combos)).tolist()
    out = [combos[k] for k in order]
    # Beyond 64 communities, numbered variants keep names distinct.
    rank = 2
    while len(out) < count:
        out += [(f"{en} {rank}", f"{zh}{rank}") for en, zh in (combos[k] for k in order)]
        rank += 1
    return out[:count]


def pick_names(pool: Sequence[str], count: int, rng: np.random.Generator) -> list[str]:
    """`count` names drawn from `pool` without repetition where possible."""
    order = rng.permutation(len(pool)).tolist()
    return [
        pool[order[k % len(pool)]] + ("" if k < len(pool) else f" {k // len(pool) + 1}")
        for k in range(count)
    ]


def person_name(rng: np.random.Generator) -> str:
    """A plausible name for a person, e.g. "Wang Fang"."""
    return f"{SURNAMES[rng.integers(len(SURNAMES))]} {GIVEN_NAMES[rng.integers(len(GIVEN_NAMES))]}"
