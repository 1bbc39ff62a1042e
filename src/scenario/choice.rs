//! The words a choice key accepts, read from the serde enum that the key converts to,
//! so the list a message or `gigsim init` shows is the enum itself and cannot drift
//! from it.
//!
//! serde's derived `Deserialize` for an enum hands its variant names (after any
//! `rename_all`) to the deserializer it is given; [`words`] gives it one that keeps
//! them and stops.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// The words (serde variant names) of the enum `T`, in declaration order.
pub fn words<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let mut names = Names(&[]);
    let _ = T::deserialize(&mut names);
    names.0
}

/// Reads `word` as the enum `T`: `None` when it is not one of [`words::<T>()`].
pub fn parse<T: for<'de> Deserialize<'de>>(word: &str) -> Option<T> {
    T::deserialize(de::value::StrDeserializer::<de::value::Error>::new(word)).ok()
}

struct Names(&'static [&'static str]);

/// The end of the introspection: no value is ever produced.
#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a value")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> Deserializer<'de> for &mut Names {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.0 = variants;
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ChartFormat, Matching};

    #[test]
    fn words_are_the_variants_as_written() {
        assert_eq!(words::<Matching>(), ["search", "board", "dispatch"]);
        assert_eq!(parse::<Matching>("dispatch"), Some(Matching::Dispatch));
        assert_eq!(parse::<Matching>("auction"), None);
        assert_eq!(words::<ChartFormat>(), ["png", "svg"]);
    }
}
