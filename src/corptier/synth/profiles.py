"""Who the branch's customers are: industry mix, firm sizes, districts, need profiles.

The branch is a city branch in Chengdu (成都, GB/T 2260 5101xx), the capital of Sichuan: an
industrial and public-sector book weighted to manufacturing, energy, construction, wholesale and
transport, with government bodies, schools and hospitals (sections S, P and Q84, which the SME
size standard leaves unclassified).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CITY_REGION = 510100
CITY = "成都"


@dataclass(frozen=True)
class Industry:
    """One GB/T 4754-2017 class with its weight in the book and its typical firm."""

    code: str
    weight: float
    employees: float  # median employees
    spread: float  # sigma of log employees
    revenue_per_head: float  # 万元 per employee
    assets_to_revenue: float
    words: tuple[str, ...]  # words that name firms of the industry
    kind: str = "firm"  # firm | gov | school | hospital | social
    trade: float = 0.05  # share with import/export business


INDUSTRIES: tuple[Industry, ...] = (
    Industry("C1512", 2.0, 60, 1.4, 90, 1.4, ("酒业", "酿酒"), trade=0.1),
    Industry("C2710", 1.5, 80, 1.2, 70, 1.3, ("药业", "制药"), trade=0.15),
    Industry("C2740", 1.2, 60, 1.1, 60, 1.2, ("中药", "药业")),
    Industry("C3021", 1.5, 30, 1.1, 60, 1.2, ("建材", "水泥制品")),
    Industry("C3311", 2.0, 30, 1.2, 70, 1.1, ("钢结构", "金属制品")),
    Industry("C3484", 3.0, 30, 1.3, 60, 1.1, ("精密机械", "机械制造"), trade=0.25),
    Industry("C3670", 2.5, 60, 1.4, 90, 1.1, ("汽车零部件", "汽配"), trade=0.3),
    Industry("C3976", 2.5, 60, 1.5, 100, 1.3, ("光电科技", "电子科技"), trade=0.4),
    Industry("C2110", 1.5, 30, 1.0, 40, 0.9, ("家具",), trade=0.2),
    Industry("C2641", 1.0, 30, 1.0, 80, 1.0, ("化工", "涂料")),
    Industry("C3130", 1.0, 120, 1.3, 150, 1.4, ("钢铁", "特钢")),
    Industry("C1810", 1.0, 40, 1.0, 30, 0.8, ("服饰", "制衣"), trade=0.3),
    Industry("D4413", 1.5, 60, 1.2, 300, 3.5, ("水电开发", "水电")),
    Industry("D4416", 1.0, 30, 1.2, 300, 3.0, ("新能源", "光伏发电")),
    Industry("D4420", 1.0, 150, 1.3, 400, 2.0, ("电力", "供电")),
    Industry("D4511", 1.0, 80, 1.2, 250, 2.0, ("燃气", "天然气")),
    Industry("D4610", 0.5, 100, 1.0, 60, 3.0, ("自来水", "水务")),
    Industry("E4710", 4.0, 40, 1.3, 120, 1.3, ("建设工程", "建筑工程")),
    Industry("E4812", 2.5, 50, 1.4, 150, 1.5, ("路桥建设", "公路工程")),
    Industry("E4910", 2.0, 25, 1.1, 90, 1.0, ("机电安装", "电气工程")),
    Industry("E5011", 3.0, 20, 1.1, 60, 0.9, ("装饰工程", "建筑装饰")),
    Industry("F5123", 2.5, 8, 1.0, 250, 0.4, ("农产品", "果蔬商贸")),
    Industry("F5151", 2.0, 15, 1.1, 400, 0.5, ("医药贸易", "医药"), trade=0.1),
    Industry("F5161", 2.0, 10, 1.1, 500, 0.5, ("煤炭贸易", "能源贸易")),
    Industry("F5164", 2.5, 10, 1.1, 500, 0.5, ("金属材料", "物资"), trade=0.2),
    Industry("F5165", 3.0, 10, 1.0, 300, 0.5, ("建材贸易", "商贸")),
    Industry("F5211", 1.5, 20, 1.2, 80, 0.5, ("百货", "商业")),
    Industry("F5212", 1.5, 25, 1.2, 90, 0.5, ("超市", "连锁商业")),
    Industry("G5430", 3.0, 25, 1.2, 50, 1.2, ("物流", "货运")),
    Industry("G5821", 1.5, 12, 1.0, 120, 0.6, ("供应链", "国际货运代理"), trade=0.5),
    Industry("G5920", 1.2, 20, 1.0, 40, 2.0, ("仓储",)),
    Industry("G6020", 0.8, 80, 1.2, 30, 0.7, ("快递", "速递")),
    Industry("G5320", 0.3, 200, 1.0, 60, 4.0, ("铁路运输",)),
    Industry("N7721", 1.0, 30, 1.1, 50, 2.5, ("环保科技", "环境治理")),
    Industry("N7810", 1.5, 60, 1.0, 40, 3.5, ("城市建设投资", "市政设施")),
    Industry("N7840", 1.0, 25, 1.0, 30, 1.5, ("园林绿化", "绿化工程")),
    Industry("S9224", 1.2, 60, 0.8, 30, 2.0, ("住房和城乡建设局", "人力资源和社会保障局"), "gov"),
    Industry("S9225", 1.0, 50, 0.8, 30, 2.0, ("发展和改革局", "经济和信息化局"), "gov"),
    Industry("S9411", 0.3, 80, 0.8, 40, 3.0, ("社会保险事业管理局",), "gov"),
    Industry("S9522", 0.5, 8, 0.8, 10, 1.0, ("行业协会", "商会"), "social"),
    Industry("P8334", 1.0, 120, 0.6, 15, 2.0, ("中学",), "school"),
    Industry("P8341", 0.5, 600, 0.8, 25, 3.0, ("职业技术学院", "大学"), "school"),
    Industry("Q8411", 1.2, 300, 1.0, 40, 1.3, ("人民医院", "中心医院"), "hospital"),
    Industry("Q8412", 0.5, 150, 0.9, 35, 1.2, ("中医医院",), "hospital"),
    Industry("Q8514", 0.5, 25, 0.8, 15, 1.0, ("养老服务", "康养")),
    Industry("A0313", 1.0, 20, 1.1, 50, 1.5, ("农牧", "生猪养殖")),
    Industry("A0141", 1.0, 12, 0.9, 30, 1.2, ("农业科技", "蔬菜种植")),
    Industry("B0610", 0.5, 150, 1.0, 60, 2.0, ("煤业", "矿业")),
    Industry("B1011", 0.5, 30, 0.9, 60, 1.5, ("石材", "矿业")),
    Industry("H6110", 1.5, 50, 1.0, 25, 2.5, ("酒店", "大酒店")),
    Industry("H6210", 1.5, 30, 1.0, 20, 0.8, ("餐饮管理", "火锅")),
    Industry("I6513", 2.0, 25, 1.3, 50, 0.8, ("软件", "信息技术")),
    Industry("I6531", 1.5, 20, 1.2, 60, 0.8, ("网络科技", "系统集成")),
    Industry("I6311", 0.3, 300, 1.0, 150, 2.0, ("通信",)),
    Industry("K7010", 2.5, 30, 1.2, 250, 4.0, ("置业", "房地产开发")),
    Industry("K7020", 1.5, 80, 1.0, 10, 0.5, ("物业管理", "物业服务")),
    Industry("L7211", 1.5, 10, 1.3, 80, 3.0, ("实业", "投资")),
    Industry("L7212", 2.0, 8, 1.2, 60, 4.0, ("资产管理", "投资管理")),
    Industry("L7221", 1.0, 15, 1.0, 40, 2.0, ("园区管理", "企业管理")),
    Industry("L7111", 1.0, 10, 1.0, 50, 2.0, ("汽车租赁", "设备租赁")),
    Industry("M7320", 1.5, 30, 1.1, 40, 1.2, ("工程技术研究院", "科技")),
    Industry("M7484", 1.5, 40, 1.0, 45, 0.9, ("工程设计", "勘察设计")),
    Industry("M7452", 1.0, 20, 1.0, 35, 0.9, ("检测技术", "检验检测")),
    Industry("O8010", 0.7, 20, 0.9, 10, 0.5, ("家政服务",)),
    Industry("O8111", 0.8, 10, 0.8, 30, 0.7, ("汽车维修", "汽车服务")),
    Industry("R8810", 0.5, 15, 1.0, 20, 1.0, ("文化传媒", "演艺")),
    Industry("R9020", 0.5, 40, 1.0, 25, 2.0, ("文旅", "游乐")),
)

# (sub-branch, weight, districts of its customers)
SUB_BRANCHES: tuple[tuple[str, float, tuple[int, ...]], ...] = (
    ("营业部", 1.2, (510104, 510105)),
    ("锦江支行", 1.0, (510104,)),
    ("青羊支行", 1.0, (510105,)),
    ("金牛支行", 1.0, (510106,)),
    ("武侯支行", 1.0, (510107,)),
    ("成华支行", 0.9, (510108,)),
    ("高新支行", 1.5, (510107, 510116)),
    ("天府新区支行", 1.2, (510116,)),
    ("龙泉驿支行", 0.9, (510112,)),
    ("青白江支行", 0.6, (510113,)),
    ("新都支行", 0.8, (510114,)),
    ("温江支行", 0.6, (510115,)),
    ("双流支行", 0.8, (510116,)),
    ("郫都支行", 0.7, (510117,)),
    ("新津支行", 0.4, (510118,)),
    ("都江堰支行", 0.4, (510181,)),
    ("彭州支行", 0.4, (510182,)),
    ("简阳支行", 0.4, (510185,)),
)
DISTRICT_NAMES = {
    510104: "锦江", 510105: "青羊", 510106: "金牛", 510107: "武侯", 510108: "成华",
    510112: "龙泉驿", 510113: "青白江", 510114: "新都", 510115: "温江", 510116: "双流",
    510117: "郫都", 510118: "新津", 510181: "都江堰", 510182: "彭州", 510185: "简阳",
}

SETTLEMENT, FINANCING, TRADE, INVESTMENT_BANKING, COMPREHENSIVE = range(5)
"""The need profiles, as the values of a customer's `profile`."""


def _column(name: str, dtype: type = float) -> np.ndarray:
    return np.array([getattr(i, name) for i in INDUSTRIES], dtype=dtype)


class IndustryTable:
    """The industry list as numpy columns, for vectorised look-ups by industry index."""

    weight = _column("weight") / _column("weight").sum()
    log_employees = np.log(_column("employees"))
    spread = _column("spread")
    revenue_per_head = _column("revenue_per_head") * 10_000.0  # yuan
    assets_to_revenue = _column("assets_to_revenue")
    trade = _column("trade")
    section = np.array([i.code[0] for i in INDUSTRIES])
    public = np.array([i.kind != "firm" for i in INDUSTRIES])
    kind = np.array([i.kind for i in INDUSTRIES])
    codes = tuple(i.code for i in INDUSTRIES)


def need_profile_weights(z: np.ndarray, industry: np.ndarray) -> np.ndarray:
    """(n, 5) unnormalised weights of the need profiles, by size score and industry."""
    sect = IndustryTable.section[industry]
    big = 1.0 / (1.0 + np.exp(-2.0 * (z - 1.5)))
    capital_heavy = np.isin(sect, ("D", "E", "K", "N")).astype(float)
    w = np.empty((len(z), 5))
    w[:, SETTLEMENT] = 0.55 * (1 - big) + 0.15 * IndustryTable.public[industry]
    w[:, FINANCING] = 0.25 + 0.15 * capital_heavy
    w[:, TRADE] = 0.02 + 0.8 * IndustryTable.trade[industry]
    w[:, INVESTMENT_BANKING] = 0.3 * big * (1 - IndustryTable.public[industry])
    w[:, COMPREHENSIVE] = 0.03 + 0.9 * big
    return w


BRAND_WORDS = (
    "天府", "蜀锦", "锦城", "蓉城", "西岭", "峨眉", "青城", "岷江", "锦江", "浣花", "金沙",
    "宽窄", "芙蓉", "熊猫", "川西", "巴蜀", "嘉陵", "雅安", "龙泉", "都江", "文翁", "杜甫",
    "华阳", "太古", "春熙", "九眼", "望江", "玉林", "红星", "东郊", "西部", "长城", "新华",
    "同心", "恒丰", "鑫源", "宏达", "瑞丰", "德阳", "金堂", "银河", "星辰", "万家", "兴业",
    "永安", "昌盛", "泰和", "福瑞", "嘉禾", "博远", "华信", "中科", "川投", "蜀道", "蓉欧",
    "天辰", "益民", "顺达", "通达", "建兴", "隆盛", "国泰", "光大", "三星", "五丰", "久远",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然晨阳欣怡婷"
