//! The jail's secure perimeter: a polygon of WGS84 points in 1e-7 degrees.
//! WSO officers arrest only inside the jail, so an arrest with coordinates
//! must fall inside it. Integer coordinates keep the test exact.

/// A point as `(lat_e7, lon_e7)`.
pub type PointE7 = (i64, i64);

/// Degrees to 1e-7 degrees, rounded to the nearest (cli.md).
pub fn to_e7(degrees: f64) -> i64 {
    (degrees * 1e7).round() as i64
}

/// Even-odd ray casting, which handles concave polygons. A point on an edge or
/// a vertex counts as inside: the wall is part of the jail.
pub fn contains(polygon: &[PointE7], point: PointE7) -> bool {
    if polygon.len() < 3 {
        return false;
    }
    let (py, px) = (point.0 as i128, point.1 as i128);
    let mut inside = false;
    let mut j = polygon.len() - 1;
    for i in 0..polygon.len() {
        let (yi, xi) = (polygon[i].0 as i128, polygon[i].1 as i128);
        let (yj, xj) = (polygon[j].0 as i128, polygon[j].1 as i128);
        if on_segment((yi, xi), (yj, xj), (py, px)) {
            return true;
        }
        if (yi > py) != (yj > py) {
            // x of the edge at py, compared without division: sign-aware cross multiply.
            let lhs = (px - xi) * (yj - yi);
            let rhs = (xj - xi) * (py - yi);
            let crosses = if yj > yi { lhs < rhs } else { lhs > rhs };
            if crosses {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

fn on_segment(a: (i128, i128), b: (i128, i128), p: (i128, i128)) -> bool {
    let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
    cross == 0
        && p.0 >= a.0.min(b.0)
        && p.0 <= a.0.max(b.0)
        && p.1 >= a.1.min(b.1)
        && p.1 <= a.1.max(b.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e7(points: &[(f64, f64)]) -> Vec<PointE7> {
        points.iter().map(|&(a, b)| (to_e7(a), to_e7(b))).collect()
    }

    #[test]
    fn rectangle() {
        let poly = e7(&[
            (27.9, -82.75),
            (27.9, -82.74),
            (27.895, -82.74),
            (27.895, -82.75),
        ]);
        assert!(contains(&poly, (to_e7(27.8975), to_e7(-82.745))));
        assert!(!contains(&poly, (to_e7(27.91), to_e7(-82.745))));
        assert!(!contains(&poly, (to_e7(27.8975), to_e7(-82.73))));
    }

    #[test]
    fn concave_u_shape() {
        // A "U": the notch between the arms (a courtyard outside the secure area)
        // is outside although it lies within the bounding box.
        let poly = e7(&[
            (0.0, 0.0),
            (0.0, 3.0),
            (3.0, 3.0),
            (3.0, 2.0),
            (1.0, 2.0),
            (1.0, 1.0),
            (3.0, 1.0),
            (3.0, 0.0),
        ]);
        let cases = [
            ((0.5, 1.5), true, "base of the U"),
            ((2.0, 0.5), true, "left arm"),
            ((2.0, 2.5), true, "right arm"),
            ((2.0, 1.5), false, "inside the notch"),
            ((3.5, 1.5), false, "beyond the arms"),
            ((1.0, 1.5), true, "on the notch's bottom edge"),
            ((0.0, 0.0), true, "on a vertex"),
            ((-0.1, 1.0), false, "just below the base"),
        ];
        for ((lat, lon), want, what) in cases {
            assert_eq!(contains(&poly, (to_e7(lat), to_e7(lon))), want, "{what}");
        }
    }

    #[test]
    fn ray_through_a_vertex_is_counted_once() {
        // A diamond: the horizontal ray from the centre passes through the right vertex.
        let poly = e7(&[(0.0, 1.0), (1.0, 2.0), (2.0, 1.0), (1.0, 0.0)]);
        assert!(contains(&poly, (to_e7(1.0), to_e7(1.0))));
        assert!(!contains(&poly, (to_e7(1.0), to_e7(2.5))));
    }

    #[test]
    fn rounding_to_e7() {
        assert_eq!(to_e7(27.90000004), 279_000_000);
        assert_eq!(to_e7(-82.75000006), -827_500_001);
    }
}
