//! The synthetic city's units: a city like Sanmenxia (三门峡) — county-level districts (县市区),
//! city departments (市直部门) and public utilities (公用企业) — each with a workload weight and
//! a handling quality.

use crate::synthetic::rng::Rng;
use crate::unit::{Unit, UnitId};

/// Group of county-level units.
pub const COUNTIES: &str = "counties";
/// Group of city departments.
pub const DEPARTMENTS: &str = "departments";
/// Group of public utilities.
pub const UTILITIES: &str = "utilities";

const COUNTY_NAMES: &[(&str, &str)] = &[
    ("hubin-district", "湖滨区"),
    ("shanzhou-district", "陕州区"),
    ("lingbao-city", "灵宝市"),
    ("yima-city", "义马市"),
    ("mianchi-county", "渑池县"),
    ("lushi-county", "卢氏县"),
    ("development-zone", "三门峡经济开发区"),
    ("demonstration-zone", "城乡一体化示范区"),
];

const DEPARTMENT_NAMES: &[(&str, &str)] = &[
    ("city-housing", "市住房和城乡建设局"),
    ("city-management", "市城市管理局"),
    ("city-hrss", "市人力资源和社会保障局"),
    ("city-education", "市教育局"),
    ("city-police", "市公安局"),
    ("city-market", "市市场监督管理局"),
    ("city-ecology", "市生态环境局"),
    ("city-natural-resources", "市自然资源和规划局"),
    ("city-transport", "市交通运输局"),
    ("city-health", "市卫生健康委员会"),
    ("city-medical-security", "市医疗保障局"),
    ("city-civil-affairs", "市民政局"),
    ("city-agriculture", "市农业农村局"),
    ("city-water", "市水利局"),
    ("city-culture-tourism", "市文化广电和旅游局"),
    ("city-commerce", "市商务局"),
    ("city-development-reform", "市发展和改革委员会"),
    ("city-finance", "市财政局"),
    ("city-tax", "国家税务总局三门峡市税务局"),
    ("city-emergency", "市应急管理局"),
    ("city-veterans", "市退役军人事务局"),
    ("city-justice", "市司法局"),
    ("city-petitions", "市信访局"),
    ("city-housing-fund", "市住房公积金管理中心"),
    ("city-real-estate", "市不动产登记中心"),
    ("city-industry", "市工业和信息化局"),
    ("city-science", "市科学技术局"),
    ("city-forestry", "市林业局"),
    ("city-statistics", "市统计局"),
    ("city-sports", "市体育局"),
    ("city-women", "市妇女联合会"),
    ("city-disabled", "市残疾人联合会"),
    ("city-trade-union", "市总工会"),
    ("city-data", "市政务服务和大数据管理局"),
    ("city-government-affairs", "市机关事务管理局"),
    ("city-grain", "市粮食和物资储备局"),
    ("city-meteorology", "市气象局"),
    ("city-fire-rescue", "市消防救援支队"),
    ("city-tobacco", "市烟草专卖局"),
    ("city-postal", "市邮政管理局"),
    ("city-air-defense", "市人民防空办公室"),
    ("city-financial-supervision", "市地方金融监督管理局"),
    ("city-ethnic-religious", "市民族宗教事务局"),
    ("city-audit", "市审计局"),
];

const UTILITY_NAMES: &[(&str, &str)] = &[
    ("state-grid", "国网三门峡供电公司"),
    ("water-supply", "三门峡市供水公司"),
    ("gas", "三门峡市燃气公司"),
    ("heating", "三门峡市热力公司"),
    ("public-transit", "三门峡市公共交通公司"),
    ("china-mobile", "中国移动三门峡分公司"),
    ("china-unicom", "中国联通三门峡分公司"),
    ("china-telecom", "中国电信三门峡分公司"),
];

/// (group, real names, count, id stem, name stem) of one group.
type GroupSpec = (
    &'static str,
    &'static [(&'static str, &'static str)],
    usize,
    &'static str,
    &'static str,
);

/// How a unit behaves in the generator.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub id: UnitId,
    /// Whether the unit is a county-level unit (its name is a district).
    pub county: bool,
    /// Handling quality in `[0, 1]` (0.5 = average).
    pub quality: f64,
}

impl Profile {
    /// A rate multiplier with mean 1 over units: `0.5 + (1 − quality)` ∈ `[0.5, 1.5]`.
    pub fn badness(&self) -> f64 {
        1.5 - self.quality
    }
}

/// The units of a city of `n` units: groups in Sanmenxia's proportions (8 counties, 44
/// departments, 8 utilities for 60), names from the real city where the lists last, numbered
/// names beyond. Returns the units, their profiles and cumulative workload weights.
pub(crate) fn build(
    n: usize,
    quality_spread: f64,
    rng: &mut Rng,
) -> (Vec<Unit>, Vec<Profile>, Vec<f64>) {
    let share = |k: usize| (n.saturating_mul(k) + 30) / 60;
    let counties = if n >= 3 { share(8).max(1) } else { n.min(1) };
    let utilities = if n >= 3 { share(8).max(1) } else { 0 };
    let departments = n.saturating_sub(counties + utilities);
    let mut units = Vec::with_capacity(n);
    let mut profiles = Vec::with_capacity(n);
    let mut cumulative = Vec::with_capacity(n);
    let mut total = 0.0;
    let groups: [GroupSpec; 3] = [
        (COUNTIES, COUNTY_NAMES, counties, "county", "县区"),
        (
            DEPARTMENTS,
            DEPARTMENT_NAMES,
            departments,
            "department",
            "市直单位",
        ),
        (UTILITIES, UTILITY_NAMES, utilities, "utility", "公用企业"),
    ];
    for (group, names, count, id_stem, name_stem) in groups {
        // `ratio` to the power `i`, one multiplication a unit: each step is one IEEE operation,
        // so the result is the same on every platform (`powi` makes no such promise), and a
        // city of 10⁵ units is not quadratic (80 s until 2026-12-02, when each power was
        // multiplied out afresh).
        let ratio = if group == UTILITIES { 0.85 } else { 0.9 };
        let mut decay = 1.0_f64;
        for i in 0..count {
            let (id, name) = match names.get(i) {
                Some((id, name)) => ((*id).to_owned(), (*name).to_owned()),
                None => (
                    format!("{id_stem}-{:03}", i + 1),
                    format!("{name_stem}{}", i + 1),
                ),
            };
            let quality = (0.5 + quality_spread * (rng.unit() - 0.5)).clamp(0.0, 1.0);
            // Workload: counties carry most tickets; departments and utilities follow their
            // lists' order (housing, city management and labour get many, the audit office
            // few; power and water more than the telecoms), ± 30 %.
            let jitter = 0.7 + 0.6 * rng.unit();
            let weight = match group {
                COUNTIES => 5.0 * (0.6 + 0.8 * rng.unit()),
                UTILITIES => 0.1 + 2.6 * decay * jitter,
                _ => 0.05 + 6.0 * decay * jitter,
            };
            decay *= ratio;
            total += weight;
            cumulative.push(total);
            let id = UnitId(id);
            profiles.push(Profile {
                id: id.clone(),
                county: group == COUNTIES,
                quality,
            });
            units.push(Unit {
                id,
                group: group.to_owned(),
                name,
            });
        }
    }
    (units, profiles, cumulative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_units_in_sanmenxia_proportions() {
        let (units, profiles, cumulative) = build(60, 0.6, &mut Rng::new(1));
        assert_eq!(units.len(), 60);
        assert_eq!(profiles.len(), 60);
        assert_eq!(cumulative.len(), 60);
        let count = |g: &str| units.iter().filter(|u| u.group == g).count();
        assert_eq!(
            (count(COUNTIES), count(DEPARTMENTS), count(UTILITIES)),
            (8, 44, 8)
        );
        assert_eq!(units[0].name, "湖滨区");
        let mut ids: Vec<&str> = units.iter().map(|u| u.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 60, "unique ids");
        assert!(profiles.iter().all(|p| (0.2..=0.8).contains(&p.quality)));
    }

    #[test]
    fn any_size() {
        for n in [1, 2, 3, 7, 300] {
            let (units, _, _) = build(n, 1.0, &mut Rng::new(2));
            assert_eq!(units.len(), n);
            let mut ids: Vec<&str> = units.iter().map(|u| u.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), n);
        }
    }
}
