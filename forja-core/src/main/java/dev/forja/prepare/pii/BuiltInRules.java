package dev.forja.prepare.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Every built-in rule, by family; {@link #forTypes} keeps those of the chosen types. */
public final class BuiltInRules {
    private BuiltInRules() {}

    public static List<PiiRule> all() {
        List<PiiRule> rules = new ArrayList<>();
        rules.addAll(SecretRules.all());
        rules.addAll(ContactRules.all());
        rules.addAll(NetworkRules.all());
        rules.addAll(FinancialRules.all());
        rules.addAll(NationalIdRules.all());
        rules.add(new PersonNameRule(Gazetteer.builtIn()));
        rules.add(new PersonContextRule(NameModel.builtIn(), NameModel.firstNames(), Gazetteer.builtIn()));
        return List.copyOf(rules);
    }

    public static List<PiiRule> forTypes(Set<PiiType> types) {
        return all().stream().filter(r -> types.contains(r.type())).toList();
    }
}
