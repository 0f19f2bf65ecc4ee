"""The indicator catalogue of the observed statistics (written to ``data/stats/indicators.csv``).

Each :class:`Indicator` has an id used in code, Chinese and English names, the unit in which
values are stored, the plan domain it informs (one of the nine ids of :mod:`huainan.plan.domains`, or
:data:`CONTEXT_DOMAIN` for the denominators), a direction, a definition that states the base
population, and the source. Ids shared with the plan (专栏2 and the project metrics) keep the
plan's id and unit, so observed values line up with targets.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Domain of the denominators (population, households …) that every domain divides by. It is not
#: a service domain of the plan; :mod:`huainan.evidence.stats` uses these as per-capita denominators.
CONTEXT_DOMAIN = "context"

_CENSUS = "第六次/第七次全国人口普查 分县资料（年鉴县级表）"
_CENSUS_T = "中国人口普查分县资料2020（2020 only, counties only）"
_BULLETIN = "统计公报、普查公报、新闻发布会（bulletin rows; see observations.source）"


@dataclass(frozen=True)
class Indicator:
    """One row of ``indicators.csv``."""

    id: str
    name_zh: str
    name_en: str
    unit: str
    domain: str
    direction: str
    definition: str
    source: str = _CENSUS
    max_value: float | None = None  # 100 for shares
    aliases: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """``count`` (人, 户 … summable), ``share`` (% of a base, 0–100) or ``level`` (rest).

        Rates ``*_per_1000`` / ``*_per_100k`` are levels although the plan prints their unit as
        a count (每千人口执业医师数: 人).
        """
        if self.unit in _COUNT_UNITS and not self.id.endswith(("_per_1000", "_per_100k")):
            return "count"
        if self.unit == "%" and self.max_value == 100:
            return "share"
        return "level"


_P = 100.0  # shares are on the 0–100 scale
#: Units of counts: only these may be summed over units (e.g. the city's 2010 values on 2020
#: boundaries); shares and averages are never computed from the parts.
_COUNT_UNITS = ("人", "户", "万人", "万户", "个", "万个", "张", "万张", "所", "家")

INDICATORS: tuple[Indicator, ...] = (
    # ---- context: denominators used by every domain (see CONTEXT_DOMAIN)
    Indicator("population", "常住人口", "Resident population", "人", CONTEXT_DOMAIN, "neutral",
              "Resident population at the census reference time (2020-11-01 / 2010-11-01); "
              "area=urban/rural rows are 城镇人口/乡村人口 by the census urban-rural "
              "classification. Denominator of every per-1,000-residents rate.",
              aliases=("常住人口数", "人口", "总人口（常住）", "居住在城镇的人口", "居住在乡村的人口",
                       "城镇人口", "乡村人口")),
    Indicator("population_yearend", "年末常住人口", "Year-end resident population", "万人",
              CONTEXT_DOMAIN, "neutral",
              "Resident population at 31 December as published in annual statistical "
              "bulletins (sample-survey estimate; not a census count).", _BULLETIN,
              aliases=("年末常住人口", "常住人口（年末）")),
    Indicator("households_family", "家庭户户数", "Family households", "户", CONTEXT_DOMAIN,
              "neutral", "Number of family households (家庭户; collective households excluded), "
              "full census count. Denominator of per-100-households rates.",
              aliases=("家庭户", "家庭户数", "户数")),
    Indicator("population_family_households", "家庭户人口", "Population in family households",
              "人", CONTEXT_DOMAIN, "neutral", "Persons living in family households.",
              aliases=("家庭户人口数",)),
    Indicator("avg_household_size", "平均每个家庭户的人口", "Average family household size",
              "人/户", CONTEXT_DOMAIN, "neutral",
              "Population in family households / family households (户规模).",
              aliases=("户规模", "平均家庭户规模")),
    Indicator("pop_age_6plus", "6岁及以上人口", "Population aged 6+", "人", CONTEXT_DOMAIN,
              "neutral", "Sum of the education-level counts of the census table; base population "
              "of the education shares and of avg_years_schooling (2020 counts ≈ total − aged "
              "0–4 − one fifth of aged 5–9, checked for every county)."),
    Indicator("pop_age_15plus", "15岁及以上人口", "Population aged 15+", "人", CONTEXT_DOMAIN,
              "neutral", "Sum of the age bands 15–19 … 85+; base of illiteracy_rate."),
    # ---- childcare 幼有所育
    Indicator("pop_age_0", "0岁人口（不满1周岁）", "Children under 1 (aged 0)", "人",
              "childcare", "neutral",
              "Children aged 0 (under 1 year) at the census. The census tables publish age bands "
              "0, 1–4, 5–9 …; children under 3 (the plan's 3岁以下婴幼儿) are NOT published by "
              "single year at county level, so no under-3 count is given here: use pop_age_0_4 "
              "(under 5) and pop_age_0 (under 1) as the closest published measures."),
    Indicator("pop_age_0_4", "0-4岁人口（不满5周岁）", "Children under 5 (aged 0–4)", "人",
              "childcare", "neutral",
              "Children aged 0–4 (bands 0 + 1–4). Closest published measure to the plan's "
              "3岁以下婴幼儿 (under 3), which the county tables do not publish."),
    Indicator("share_age_0_4", "0-4岁人口占比", "Share of children under 5", "%", "childcare",
              "neutral", "pop_age_0_4 / population × 100.", max_value=_P),
    Indicator("children_ever_born_per_woman", "15-64岁妇女平均活产子女数",
              "Children ever born per woman aged 15–64", "个/人", "childcare", "neutral",
              "Average live births per woman aged 15–64 (census long form, 10% sample)."),
    Indicator("births", "出生人口", "Births", "万人", "childcare", "neutral",
              "Births in the year to 31 October (sample survey).", _BULLETIN),
    Indicator("birth_rate", "出生率", "Crude birth rate", "‰", "childcare", "neutral",
              "Births per 1,000 residents (sample survey).", _BULLETIN),
    Indicator("nursery_places_per_1000", "每千人口拥有3岁以下婴幼儿托位数",
              "Nursery places for children under 3 per 1,000 residents", "个", "childcare",
              "higher_better", "Same definition as the plan indicator (专栏2).", _BULLETIN,
              aliases=("千人口托位数", "每千人口托位数")),
    Indicator("nursery_places", "托位总量", "Nursery places (total)", "万个", "childcare",
              "higher_better", "Childcare places for children under 3.", _BULLETIN),
    Indicator("nursery_places_added", "新增婴幼儿托位", "Nursery places added in the year", "个",
              "childcare", "higher_better", "Places added during the year (news report).",
              _BULLETIN),
    # ---- education 学有所教
    Indicator("pop_age_0_14", "0-14岁人口", "Population aged 0–14", "人", "education",
              "neutral", "Sum of the age bands 0, 1–4, 5–9, 10–14 (school-age and pre-school "
              "demand).", aliases=("0-14岁人口数",)),
    Indicator("share_age_0_14", "0-14岁人口占比", "Share aged 0–14", "%", "education", "neutral",
              "Population aged 0–14 / population × 100 (as published).", max_value=_P,
              aliases=("0-14岁人口比重",)),
    Indicator("avg_years_schooling", "6岁及以上人口平均受教育年限",
              "Average years of schooling, population aged 6+", "年", "education",
              "higher_better",
              "Average years of schooling of the population aged 6+, as published in the census "
              "county tables (base checked: the education counts sum to the population aged "
              "6+). NOT the bulletins' headline figure, which is for people aged 15+ (see "
              "avg_years_schooling_15plus; e.g. China 2020: 9.50 for 6+, 9.91 for 15+).",
              aliases=("平均受教育年限",)),
    Indicator("avg_years_schooling_15plus", "15岁及以上人口平均受教育年限",
              "Average years of schooling, population aged 15+", "年", "education",
              "higher_better", "Headline measure of the census bulletins (公报第六号) and "
              "sample surveys; base population aged 15+.", _BULLETIN,
              aliases=("15岁及以上常住人口人均受教育年限",)),
    Indicator("working_age_avg_years_schooling", "劳动年龄人口平均受教育年限",
              "Average years of schooling of the working-age population", "年", "education",
              "higher_better", "Plan indicator (专栏2); working age 16–59. Not in the census "
              "county tables.", _BULLETIN, aliases=("16—59岁劳动年龄人口平均受教育年限",
                                                   "劳动年龄人口受教育年限")),
    Indicator("illiterate_15plus", "15岁及以上文盲人口", "Illiterate people aged 15+", "人",
              "education", "lower_better", "People aged 15+ who cannot read (不识字的人).",
              aliases=("文盲人口", "文盲人口（15岁及以上不识字的人）")),
    Indicator("illiteracy_rate", "文盲率（占15岁及以上人口）",
              "Illiteracy rate, share of people aged 15+", "%", "education", "lower_better",
              "illiterate_15plus / population aged 15+ × 100, as published in the census "
              "county tables (文盲占15岁及以上人口比重). The bulletins' 文盲率 uses the TOTAL "
              "population as base: see illiteracy_rate_total_pop.", max_value=_P,
              aliases=("文盲占15岁及以上人口比重",)),
    Indicator("illiteracy_rate_total_pop", "文盲率（占总人口，公报口径）",
              "Illiteracy rate, share of total population (bulletin definition)", "%",
              "education", "lower_better",
              "illiterate_15plus / total resident population × 100: the definition of 文盲率 "
              "in the census bulletins (China 2020: 37,750,200 / 1,411,778,724 = 2.67%).",
              _CENSUS + "; " + _BULLETIN, max_value=_P, aliases=("文盲率",)),
    Indicator("share_no_schooling", "未上过学人口占比", "Share never schooled (aged 6+)", "%",
              "education", "lower_better", "未上过学 / population aged 6+ × 100.", max_value=_P),
    Indicator("share_senior_high_plus", "高中及以上文化程度人口占比",
              "Share with senior-high education or more (aged 6+)", "%", "education",
              "higher_better", "(高中 + 大学专科 + 本科及以上) / population aged 6+ × 100. "
              "高中 includes 中专 (secondary vocational); counts include graduates, drop-outs "
              "and current students.", max_value=_P),
    Indicator("share_college_plus", "大专及以上文化程度人口占比",
              "Share with college education or more (aged 6+)", "%", "education",
              "higher_better", "(大学专科 + 本科及以上) / population aged 6+ × 100.",
              max_value=_P),
    Indicator("pop_edu_primary", "小学文化程度人口", "People with primary education", "人",
              "education", "neutral", "Highest level attended: 小学 (aged 6+).",
              aliases=("小学文化程度人口",)),
    Indicator("pop_edu_junior_high", "初中文化程度人口", "People with junior-high education",
              "人", "education", "neutral", "Highest level attended: 初中 (aged 6+)."),
    Indicator("pop_edu_senior_high", "高中（含中专）文化程度人口",
              "People with senior-high education (incl. secondary vocational)", "人",
              "education", "neutral", "Highest level attended: 高中 incl. 中专 (aged 6+)."),
    Indicator("pop_edu_college_plus", "大学（大专及以上）文化程度人口",
              "People with college education or more", "人", "education", "higher_better",
              "Highest level attended: 大学专科 or 本科及以上 (aged 6+)."),
    Indicator("primary_per_100k", "每10万人中拥有小学文化程度人数",
              "People with primary education per 100,000 residents", "人/10万人", "education",
              "neutral", "pop_edu_primary / population × 100,000 (bulletin measure)."),
    Indicator("junior_high_per_100k", "每10万人中拥有初中文化程度人数",
              "People with junior-high education per 100,000 residents", "人/10万人",
              "education", "neutral", "pop_edu_junior_high / population × 100,000."),
    Indicator("senior_high_per_100k", "每10万人中拥有高中（含中专）文化程度人数",
              "People with senior-high education per 100,000 residents", "人/10万人",
              "education", "higher_better", "pop_edu_senior_high / population × 100,000."),
    Indicator("college_plus_per_100k", "每10万人中拥有大学文化程度人数",
              "People with college education per 100,000 residents", "人/10万人",
              "education", "higher_better", "pop_edu_college_plus / population × 100,000."),
    Indicator("education_employment_share", "教育行业从业人员占比",
              "Share of employed people working in education", "%", "education", "neutral",
              "教育 / all employed × 100 (long-form sample; industry of the employed).",
              max_value=_P),
    Indicator("preschool_gross_enrolment", "学前教育毛入园率", "Pre-school gross enrolment rate",
              "%", "education", "higher_better", "Plan indicator (专栏2). Gross ratio: may "
              "exceed 100.", _BULLETIN, aliases=("学前毛入园率",)),
    Indicator("compulsory_education_retention", "九年义务教育巩固率",
              "Nine-year compulsory education retention rate", "%", "education",
              "higher_better", "Plan indicator (专栏2).", _BULLETIN, max_value=_P,
              aliases=("义务教育巩固率",)),
    Indicator("senior_secondary_gross_enrolment", "高中阶段教育毛入学率",
              "Senior-secondary gross enrolment rate", "%", "education", "higher_better",
              "Plan indicator (专栏2). Gross ratio: may exceed 100.", _BULLETIN,
              aliases=("高中阶段毛入学率",)),
    Indicator("inclusive_kindergarten_coverage", "普惠性幼儿园覆盖率",
              "Coverage of inclusive (普惠性) kindergartens", "%", "education", "higher_better",
              "Share of kindergarten children in 普惠性 kindergartens (same id as the plan's "
              "metric, 专栏11).", _BULLETIN, max_value=_P),
    Indicator("school_places_added", "新增各类学位", "School places added in the year", "个",
              "education", "higher_better", "News report.", _BULLETIN),
    # ---- employment 劳有所得
    Indicator("pop_age_15_59", "15-59岁人口", "Working-age population (15–59)", "人",
              "employment", "neutral", "Sum of the age bands 15–19 … 55–59.",
              aliases=("15-59岁人口数",)),
    Indicator("share_age_15_59", "15-59岁人口占比", "Share aged 15–59", "%", "employment",
              "neutral", "pop_age_15_59 / population × 100.", max_value=_P,
              aliases=("15-59岁人口比重",)),
    Indicator("employment_ratio", "就业人口占16岁及以上人口比重",
              "Employment-to-population ratio (aged 16+)", "%", "employment", "higher_better",
              "Employed / population aged 16+ × 100, census long form (10% sample). 2020: as "
              "published in the county tabulation (counties only: the 2020 yearbook table has "
              "no 16+ sample count, so no city/province/national value); 2010: 各种职业人口总计 / "
              "16岁及以上人口 from the yearbook table.", _CENSUS + "; " + _CENSUS_T,
              max_value=_P),
    Indicator("agri_employment_share", "农林牧渔业从业人员占比",
              "Agricultural employment share", "%", "employment", "neutral",
              "Employed in 农林牧渔业 (industry) / all employed × 100 (long-form sample).",
              max_value=_P),
    Indicator("industry_employment_share", "第二产业从业人员占比",
              "Industrial employment share", "%", "employment", "neutral",
              "Employed in mining, manufacturing, utilities and construction / all employed × "
              "100 (long-form sample).", max_value=_P),
    Indicator("new_urban_jobs", "城镇新增就业", "New urban jobs", "万人", "employment",
              "higher_better", "People newly employed in towns during the year (same id and "
              "unit as the plan's metric, 第三章第二节).", _BULLETIN,
              aliases=("城镇新增就业人数",)),
    Indicator("urban_new_job_posts", "城镇新增就业岗位", "New urban job posts", "个",
              "employment", "higher_better",
              "Jobs (岗位) created in towns during the year, as some district bulletins report "
              "instead of new_urban_jobs (persons); not comparable with it.", _BULLETIN),
    Indicator("registered_unemployed", "城镇登记失业人数", "Registered urban unemployed", "人",
              "employment", "lower_better", "Year-end registered urban unemployed.", _BULLETIN,
              aliases=("年末城镇登记失业人数",)),
    Indicator("registered_unemployment_rate", "城镇登记失业率",
              "Registered urban unemployment rate", "%", "employment", "lower_better",
              "Year-end registered urban unemployment rate.", _BULLETIN, max_value=_P),
    Indicator("disposable_income_per_capita", "居民人均可支配收入",
              "Disposable income per capita", "元", "employment", "higher_better",
              "Annual disposable income per resident (household survey); area=urban/rural "
              "for 城镇/农村居民.", _BULLETIN,
              aliases=("常住居民人均可支配收入", "城镇居民人均可支配收入", "农村居民人均可支配收入")),
    # ---- health 病有所医
    Indicator("health_social_work_employment_share", "卫生和社会工作从业人员占比",
              "Share of employed people in health and social work", "%", "health", "neutral",
              "卫生和社会工作 (2010: 卫生、社会保障和社会福利业) / all employed × 100 "
              "(long-form sample): a proxy of the local health and care workforce.",
              max_value=_P),
    Indicator("life_expectancy", "人均预期寿命", "Life expectancy at birth", "岁", "health",
              "higher_better", "Plan indicator (专栏2).", _BULLETIN,
              aliases=("居民人均预期寿命", "平均预期寿命")),
    Indicator("physicians_per_1000", "每千人口执业（助理）医师数",
              "Licensed (assistant) physicians per 1,000 residents", "人", "health",
              "higher_better", "Plan indicator (专栏2).", _BULLETIN,
              aliases=("每千人口执业(助理)医师数", "每千人口执业（助理）医师")),
    Indicator("nurses_per_1000", "每千人口注册护士数", "Registered nurses per 1,000 residents",
              "人", "health", "higher_better", "Plan indicator (专栏2).", _BULLETIN,
              aliases=("每千人口拥有注册护士数", "每千人口注册护士")),
    Indicator("hospital_beds_per_1000", "每千人口医疗卫生机构床位数",
              "Hospital beds per 1,000 residents", "张", "health", "higher_better",
              "Beds in all medical and health institutions per 1,000 residents.", _BULLETIN),
    Indicator("hospital_beds", "医疗卫生机构床位", "Beds in medical and health institutions",
              "万张", "health", "higher_better", "Year-end beds.", _BULLETIN),
    Indicator("physicians", "执业（助理）医师", "Licensed (assistant) physicians", "万人",
              "health", "higher_better", "Year-end count.", _BULLETIN),
    Indicator("nurses", "注册护士", "Registered nurses", "万人", "health", "higher_better",
              "Year-end count.", _BULLETIN),
    Indicator("health_technicians", "卫生技术人员", "Health technical personnel", "万人",
              "health", "higher_better", "Year-end count.", _BULLETIN),
    Indicator("health_institutions", "医疗卫生机构", "Medical and health institutions", "个",
              "health", "neutral", "Year-end count.", _BULLETIN),
    # ---- elderly care 老有所养
    Indicator("pop_age_60plus", "60岁及以上人口", "People aged 60+", "人", "elderly_care",
              "neutral", "Sum of the age bands 60–64 … 85+ (men + women); denominator of "
              "per-1,000-aged-60+ rates.", aliases=("60岁及以上人口数", "60周岁以上人口")),
    Indicator("share_age_60plus", "60岁及以上人口占比", "Share aged 60+", "%", "elderly_care",
              "neutral", "pop_age_60plus / population × 100.", max_value=_P,
              aliases=("60岁及以上人口比重", "60岁及以上人口占比")),
    Indicator("pop_age_65plus", "65岁及以上人口", "People aged 65+", "人", "elderly_care",
              "neutral", "Sum of the age bands 65–69 … 85+.", aliases=("65岁及以上人口数",)),
    Indicator("share_age_65plus", "65岁及以上人口占比", "Share aged 65+", "%", "elderly_care",
              "neutral", "Population aged 65+ / population × 100 (as published).", max_value=_P,
              aliases=("65岁及以上人口比重", "老龄化率")),
    Indicator("pop_age_80plus", "80岁及以上人口", "People aged 80+", "人", "elderly_care",
              "neutral", "Sum of the age bands 80–84 and 85+."),
    Indicator("share_age_80plus", "80岁及以上人口占比", "Share aged 80+", "%", "elderly_care",
              "neutral", "pop_age_80plus / population × 100.", max_value=_P),
    Indicator("old_age_dependency_ratio", "老年人口抚养比", "Old-age dependency ratio", "%",
              "elderly_care", "neutral", "pop_age_65plus / population aged 15–64 × 100."),
    Indicator("households_with_65plus", "有65岁及以上老年人口的家庭户",
              "Family households with a member aged 65+", "户", "elderly_care", "neutral",
              "Family households with at least one member aged 65+ (full count)."),
    Indicator("share_households_65plus", "有65岁及以上老年人口的家庭户占比",
              "Share of family households with a member aged 65+", "%", "elderly_care",
              "neutral", "households_with_65plus / households_family × 100.", max_value=_P),
    Indicator("share_households_65plus_2plus", "有两个及以上65岁老人的家庭户占比",
              "Share of family households with two or more members aged 65+", "%",
              "elderly_care", "neutral",
              "(有二个老人 + 有三个及以上老人) / households_family × 100.", max_value=_P),
    Indicator("elderly_care_institution_beds", "养老机构床位", "Beds in elderly-care institutions",
              "万张", "elderly_care", "higher_better",
              "Beds in 养老机构 (institutions only; the plan's elderly_care_beds_total, "
              "养老服务床位总量, also counts community beds and is a different indicator).",
              _BULLETIN),
    Indicator("nursing_type_elderly_beds", "护理型养老床位", "Nursing-type elderly-care beds",
              "万张", "elderly_care", "higher_better", "Nursing-type beds in elderly care.",
              _BULLETIN),
    Indicator("community_embedded_elderly_institutions", "社区嵌入式养老服务机构",
              "Community-embedded elderly-care institutions", "家", "elderly_care",
              "higher_better", "Institutions built (cumulative).", _BULLETIN),
    Indicator("social_elderly_institution_beds", "社会养老机构床位",
              "Beds in social (non-敬老院) elderly-care institutions", "张", "elderly_care",
              "higher_better", "Year-end count.", _BULLETIN),
    Indicator("rural_nursing_homes", "农村敬老院", "Rural nursing homes (敬老院)", "所",
              "elderly_care", "neutral", "Year-end count.", _BULLETIN),
    Indicator("rural_nursing_home_beds", "农村敬老院供养床位", "Beds in rural nursing homes",
              "张", "elderly_care", "higher_better", "Year-end count.", _BULLETIN),
    Indicator("rural_happiness_homes_added", "新建农村幸福院", "Rural happiness homes built",
              "家", "elderly_care", "higher_better", "Built during the year (news report).",
              _BULLETIN),
    Indicator("pension_insured", "基本养老保险参保人数", "People insured by basic pensions",
              "万人", "elderly_care", "higher_better", "Year-end count.", _BULLETIN),
    # ---- housing 住有所居
    Indicator("urbanization_rate", "城镇化率（城镇人口占常住人口比重）", "Urbanization rate", "%",
              "housing", "neutral",
              "Urban / resident population × 100 (census urban-rural classification). Mapped "
              "to 住有所居 because the plan's housing services split by it (urban: 公租房, "
              "老旧小区改造; rural: 农村危房改造).", max_value=_P,
              aliases=("城镇化率", "城镇人口占常住人口比重", "城镇人口比重")),
    Indicator("floor_area_per_person", "人均住房建筑面积", "Housing floor area per person",
              "平方米", "housing", "higher_better",
              "Floor area of family-household dwellings per person (as published)."),
    Indicator("rooms_per_household", "平均每户住房间数", "Rooms per household", "间", "housing",
              "higher_better", "Rooms per family household (as published)."),
    Indicator("share_hh_tap_water", "住房内有管道自来水的家庭户占比",
              "Share of households with piped tap water in the dwelling", "%", "housing",
              "higher_better", "Long-form sample of family households.", max_value=_P),
    Indicator("share_hh_kitchen", "住房内有厨房的家庭户占比",
              "Share of households with a kitchen", "%", "housing", "higher_better",
              "Long-form sample of family households.", max_value=_P),
    Indicator("share_hh_toilet", "住房内有厕所的家庭户占比",
              "Share of households with a toilet in the dwelling", "%", "housing",
              "higher_better", "Long-form sample of family households.", max_value=_P),
    Indicator("share_hh_bath", "住房内有洗澡设施的家庭户占比",
              "Share of households with bathing facilities", "%", "housing", "higher_better",
              "Long-form sample of family households.", max_value=_P),
    Indicator("share_hh_lift", "住房所在建筑有电梯的家庭户占比",
              "Share of households in a building with a lift", "%", "housing", "higher_better",
              "Long-form sample of family households (2020 only).", max_value=_P),
    Indicator("share_hh_rented", "租赁住房的家庭户占比", "Share of households renting", "%",
              "housing", "neutral", "Source of the dwelling: 租赁 (long-form sample).",
              max_value=_P),
    Indicator("share_hh_self_built", "自建住房的家庭户占比",
              "Share of households in self-built dwellings", "%", "housing", "neutral",
              "Source of the dwelling: 自建 (long-form sample).", max_value=_P),
    Indicator("share_hh_bought", "购买住房的家庭户占比",
              "Share of households in bought dwellings", "%", "housing", "neutral",
              "Source of the dwelling: 购买 (new, second-hand or 经济适用/两限/原公有住房; "
              "long-form sample).", max_value=_P),
    Indicator("old_residential_renovation_to_date", "城镇老旧小区改造（2021年起累计）",
              "Old urban residential compounds renovated since 2021 (running total)", "个",
              "housing", "higher_better",
              "Running total of the plan indicator old_residential_renovation (专栏2, "
              "five-year cumulative [430]) from 2021 to the year given (the note says which "
              "years); huainan.measures.progress compares it with the linear path.", _BULLETIN),
    Indicator("old_residential_renovation_households", "城镇老旧小区改造惠及户数",
              "Households in renovated old compounds", "户", "housing", "higher_better",
              "Households covered; period in the note.", _BULLETIN),
    Indicator("old_residential_renovation_floor_area", "城镇老旧小区改造建筑面积",
              "Floor area of renovated old compounds", "万平方米", "housing", "higher_better",
              "Floor area covered; period in the note.", _BULLETIN),
    Indicator("old_residential_renovation_in_progress", "城镇老旧小区改造正在实施小区数",
              "Old compounds under renovation", "个", "housing", "neutral",
              "Compounds being renovated in the year.", _BULLETIN),
    # ---- social assistance 弱有所扶
    Indicator("share_one_person_households", "一人户占比", "Share of one-person households",
              "%", "social_assistance", "neutral",
              "One-person family households / family households × 100: people living alone, "
              "a proxy of need for the outreach and care services of 弱有所扶.", max_value=_P),
    Indicator("dibao_recipients", "最低生活保障人数", "Minimum living guarantee (低保) recipients",
              "万人", "social_assistance", "neutral",
              "Recipients of 城市/农村居民最低生活保障 (area=urban/rural).", _BULLETIN,
              aliases=("低保人数",)),
    Indicator("tekun_recipients", "特困人员救助供养人数",
              "People in extreme poverty supported (特困供养)", "万人", "social_assistance",
              "neutral", "Recipients of 特困人员救助供养 (area=rural for 农村).", _BULLETIN),
)
INDICATORS_BY_ID = {i.id: i for i in INDICATORS}
