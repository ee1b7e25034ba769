/// Look-alike letters folded onto the Latin letter they imitate, applied after case folding.
///
/// Hand-written from the Unicode confusables data (security/confusables.txt) for the scripts seen
/// in evasions: Cyrillic, Greek and Latin small capitals. Only lowercase keys: the normaliser
/// lowercases first.
let confusableLetters: [Unicode.Scalar: Unicode.Scalar] = [
    // Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "ӏ": "l", "һ": "h", "ԛ": "q", "ԝ": "w", "ү": "y", "ɡ": "g", "ь": "b",
    // Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w", "ς": "s", "ϲ": "c", "ϳ": "j",
    // Latin small capitals and other look-alikes
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ғ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i",
    "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s",
    "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z", "ı": "i", "ȷ": "j", "ℓ": "l",
]

/// Enclosed letters that have no compatibility decomposition (negative circled and negative
/// squared capitals, regional indicators): first scalar of each run of 26, folded to `a`…`z`.
let enclosedLetterRuns: [UInt32] = [0x1F150, 0x1F170, 0x1F1E6]
