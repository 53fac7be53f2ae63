"""The annual trade report (Art. VIII(7)(a), Res. Conf. 11.17) in the CITES Trade Database
upload format, its validation and the officers' statistics. A read model: it reads what the
permits, customs and exchange domains recorded and changes nothing."""
