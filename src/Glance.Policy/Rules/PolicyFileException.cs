namespace Glance.Policy.Rules;

/// <summary>A policy file that is neither valid JSON nor valid YAML, or not a mapping of rule names.</summary>
public sealed class PolicyFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PolicyFileException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public PolicyFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and cause.</summary>
    public PolicyFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
