//! "Did you mean" suggestions by edit distance.

/// The candidate closest to `word`, if it is close enough to be a typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1) + 1;
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("subnet", "subnet"), 0);
        assert_eq!(distance("subnt", "subnet"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("서브넷", "서브"), 1);
    }

    #[test]
    fn nearest_finds_typos_only() {
        let names = ["subnet", "security_group", "elastic_ip"];
        assert_eq!(nearest("subnett", names), Some("subnet"));
        assert_eq!(nearest("elastic_pi", names), Some("elastic_ip"));
        assert_eq!(nearest("banana", names), None);
    }
}
