//! A deserializer that refuses a mapping with the same key twice, wrapped around another.
//!
//! The document model keeps its maps in `IndexMap`s, which keep the last of two equal keys
//! without a word, and `openapiv3` panics on some duplicates. [`Unique`] passes every call
//! through to the deserializer it wraps, and every visitor, sequence, mapping and enum through
//! a wrapper of its own, so that the spec is read once and each mapping's keys are compared as
//! they go by. Keys are compared as YAML reads them: `"200"` and `200` are different keys.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess};
use serde::de::{VariantAccess, Visitor};

/// Where the key a wrapper reads is written, when it reads a mapping's key.
type KeySlot<'k> = Option<&'k mut Option<Key>>;

/// A mapping's key as YAML read it: text, or another scalar in its plain form.
#[derive(Debug, PartialEq, Eq, Hash)]
enum Key {
    Text(String),
    Other(String),
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Text(text) => write!(f, "{text:?}"),
            Key::Other(plain) => f.write_str(plain),
        }
    }
}

/// `inner`, refusing duplicate keys in every mapping it reads.
pub struct Unique<'k, D> {
    inner: D,
    key: KeySlot<'k>,
}

impl<D> Unique<'static, D> {
    /// Wraps `inner`.
    pub fn new(inner: D) -> Self {
        Self { inner, key: None }
    }
}

macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(
                self,
                $($arg: $ty,)*
                visitor: V,
            ) -> Result<V::Value, D::Error> {
                let visitor = Checked { visitor, key: self.key };
                self.inner.$method($($arg,)* visitor)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Unique<'_, D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A visitor passed through, which writes a scalar it is given to its key slot, if any.
struct Checked<'k, V> {
    visitor: V,
    key: KeySlot<'k>,
}

impl<V> Checked<'_, V> {
    fn record(&mut self, key: impl FnOnce() -> Key) {
        if let Some(slot) = self.key.as_deref_mut() {
            *slot = Some(key());
        }
    }
}

macro_rules! forward_scalar {
    ($($method:ident($ty:ty);)*) => {
        $(
            fn $method<E: de::Error>(mut self, value: $ty) -> Result<V::Value, E> {
                self.record(|| Key::Other(value.to_string()));
                self.visitor.$method(value)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Checked<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    forward_scalar! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
    }

    fn visit_str<E: de::Error>(mut self, value: &str) -> Result<V::Value, E> {
        self.record(|| Key::Text(value.to_owned()));
        self.visitor.visit_str(value)
    }

    fn visit_borrowed_str<E: de::Error>(mut self, value: &'de str) -> Result<V::Value, E> {
        self.record(|| Key::Text(value.to_owned()));
        self.visitor.visit_borrowed_str(value)
    }

    fn visit_string<E: de::Error>(mut self, value: String) -> Result<V::Value, E> {
        self.record(|| Key::Text(value.clone()));
        self.visitor.visit_string(value)
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<V::Value, E> {
        self.visitor.visit_bytes(value)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<V::Value, E> {
        self.visitor.visit_borrowed_bytes(value)
    }

    fn visit_byte_buf<E: de::Error>(self, value: Vec<u8>) -> Result<V::Value, E> {
        self.visitor.visit_byte_buf(value)
    }

    fn visit_none<E: de::Error>(mut self) -> Result<V::Value, E> {
        self.record(|| Key::Other("null".to_owned()));
        self.visitor.visit_none()
    }

    fn visit_unit<E: de::Error>(mut self) -> Result<V::Value, E> {
        self.record(|| Key::Other("null".to_owned()));
        self.visitor.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(Unique {
            inner,
            key: self.key,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_newtype_struct(Unique {
            inner,
            key: self.key,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, items: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(Items(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, entries: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(Entries {
            inner: entries,
            seen: Seen::default(),
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, tagged: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_enum(Tagged(tagged))
    }
}

/// A seed passed through, with its deserializer wrapped; it writes a scalar key to `key`.
struct Seed<'k, T> {
    seed: T,
    key: KeySlot<'k>,
}

impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, T> {
    type Value = T::Value;

    fn deserialize<D: Deserializer<'de>>(self, inner: D) -> Result<T::Value, D::Error> {
        self.seed.deserialize(Unique {
            inner,
            key: self.key,
        })
    }
}

fn seed<'k, T>(seed: T) -> Seed<'k, T> {
    Seed { seed, key: None }
}

struct Items<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Items<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        element: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(seed(element))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A mapping passed through, which remembers its scalar keys and refuses one seen before.
struct Entries<A> {
    inner: A,
    seen: Seen,
}

/// The keys of one mapping so far: most mappings have a few, which a list compares fastest;
/// past [`Seen::LIST`] of them they go to a set.
#[derive(Default)]
struct Seen {
    list: Vec<Key>,
    set: HashSet<Key>,
}

impl Seen {
    const LIST: usize = 16;

    /// Remembers `key`, or gives it back when it was seen before.
    fn insert(&mut self, key: Key) -> Result<(), Key> {
        if self.list.contains(&key) || self.set.contains(&key) {
            return Err(key);
        }
        if self.list.len() < Self::LIST {
            self.list.push(key);
        } else {
            self.set.insert(key);
        }
        Ok(())
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Entries<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        key_seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let mut key = None;
        let found = self.inner.next_key_seed(Seed {
            seed: key_seed,
            key: Some(&mut key),
        })?;
        if let Some(key) = key {
            self.seen
                .insert(key)
                .map_err(|key| de::Error::custom(format!("duplicate entry with key {key}")))?;
        }
        Ok(found)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, value: T) -> Result<T::Value, A::Error> {
        self.inner.next_value_seed(seed(value))
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct Tagged<A>(A);

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Tagged<A> {
    type Error = A::Error;
    type Variant = Variant<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        tag: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        self.0
            .variant_seed(seed(tag))
            .map(|(tag, variant)| (tag, Variant(variant)))
    }
}

struct Variant<A>(A);

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, value: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(seed(value))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Checked { visitor, key: None })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0
            .struct_variant(fields, Checked { visitor, key: None })
    }
}
